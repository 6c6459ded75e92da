// The `eport` exporter: packs what the schedule selects from each host batch into ≤ max_payload_bytes payloads and
// sends them over the serial link (stop-and-wait, ACK/NAK). A batch in flight is remembered in the state file with
// its sequence numbers, so a retry — or a restart after a crash — resends the very same payloads, which the ePort
// side and the backend recognise as duplicates: no record is stored twice, none is lost.
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import {
  RESOURCE_DEVICE_ID, errorMessage, sendDrop, sendOk, sendRetry,
  type Attributes, type Exporter, type Gauge, type Counter, type LogBatch, type LogRecord, type SendResult, type Settings,
} from '../../../collector/component/index.js';
import { eventFromRecord, type EportEvent } from '../../../eport/packer/event.js';
import { MAX_MACHINE_BYTES, PACKED_MAGIC } from '../../../eport/packer/payload.js';
import { LinkSender, type LinkState } from '../../../eport/link/sender.js';
import type { EportExporterOptions } from './config.js';
import { batchAllowance, countInto, emptyDay, planPayloads, PACING_LEAD_MS, selectEvents, summaryEvent, utcDay, type ScheduleOptions } from './schedule.js';
import { openSerial, type OpenLink, type OpenSerial } from './serial-link.js';
import { readState, writeState, type ExporterState } from './state-file.js';

export const STATE_FILE = 'eport-state.json';
const PRD_MACHINE_KEY = 'machine_id';
/** Payloads above this go as several frames (the simulator and receivers accept frames up to 1,024 payload bytes). */
const FRAGMENT_BYTES = 1024;
const LINK_STATE_VALUE: Readonly<Record<LinkState, number>> = { up: 0, retrying: 1, down: 2 };

export interface EportExporterDeps {
  now?: () => number;
  openSerial?: OpenSerial;
  /** Backoff between retransmissions (tests shorten it). */
  backoffInitialMs?: number;
}

function fingerprint(batch: LogBatch): string {
  const h = createHash('sha256');
  h.update(JSON.stringify(batch.resource));
  for (const r of batch.records) h.update(`${r.timeUnixNano}\u0000${r.recordId ?? ''}\u0000${r.severityNumber}\u0000${typeof r.body === 'string' ? r.body : JSON.stringify(r.body)}\u0001`);
  return h.digest('hex');
}

export class EportExporter implements Exporter {
  readonly #settings: Settings;
  readonly #o: EportExporterOptions;
  readonly #now: () => number;
  readonly #openSerial: OpenSerial;
  readonly #backoffInitialMs: number;
  readonly #statePath: string;
  readonly #schedule: ScheduleOptions;
  #state: Promise<ExporterState> | undefined;
  #writes: Promise<void> = Promise.resolve();
  #link: OpenLink | undefined;
  #sender: LinkSender | undefined;
  #opening: Promise<void> | undefined;
  #lastOpenError = '';
  #linkState: LinkState = 'down';
  #stopped = false;
  readonly #metrics: {
    linkState: Gauge; payloads: Counter; payloadBytes: Counter; retransmissions: Counter; lossy: Counter; notSent: Counter;
  };

  constructor(settings: Settings, options: EportExporterOptions, deps: EportExporterDeps = {}) {
    this.#settings = settings;
    this.#o = options;
    this.#now = deps.now ?? Date.now;
    this.#openSerial = deps.openSerial ?? openSerial;
    this.#backoffInitialMs = deps.backoffInitialMs ?? 250;
    this.#statePath = join(settings.storageDir, STATE_FILE);
    this.#schedule = {
      immediateLevels: options.immediateLevels, batchLevels: options.batchLevels,
      transactionComponent: options.transactionComponent, transactionMessage: options.transactionMessage, amountKey: options.amountKey,
    };
    const m = settings.meter;
    this.#metrics = {
      linkState: m.gauge('fleetlog_exporter_eport_link_state', 'ePort serial link: 0 up, 1 retrying, 2 down.'),
      payloads: m.counter('fleetlog_exporter_eport_payloads_total', 'Payloads the ePort acknowledged.'),
      payloadBytes: m.counter('fleetlog_exporter_eport_payload_bytes_total', 'Payload bytes the ePort acknowledged (cellular use).'),
      retransmissions: m.counter('fleetlog_exporter_eport_retransmissions_total', 'Frames sent again after a NAK or a timeout.'),
      lossy: m.counter('fleetlog_exporter_eport_lossy_records_total', 'Records aggregated, cut or shortened to fit the byte budget (counted in the frames too).'),
      notSent: m.counter('fleetlog_exporter_eport_summarised_records_total', 'Records of levels not sent (counted in the daily summary only).'),
    };
    this.#metrics.linkState.set(LINK_STATE_VALUE.down);
  }

  get linkState(): LinkState {
    return this.#linkState;
  }

  async start(): Promise<void> {
    this.#stopped = false;
    void this.#ensureOpen();
  }

  async shutdown(): Promise<void> {
    this.#stopped = true;
    await this.#opening?.catch(() => undefined);
    this.#sender?.close();
    this.#sender = undefined;
    const link = this.#link;
    this.#link = undefined;
    await link?.close();
    this.#setLinkState('down');
  }

  async send(batch: LogBatch, signal: AbortSignal): Promise<SendResult> {
    try {
      return await this.#send(batch, signal);
    } catch (error) {
      this.#settings.reportStatus('recoverable_error', error instanceof Error ? error : new Error(String(error)));
      return sendRetry(`eport: ${errorMessage(error)}`);
    }
  }

  #loadState(): Promise<ExporterState> {
    this.#state ??= (async () => {
      const loaded = await readState(this.#statePath);
      const state: ExporterState = loaded ?? {
        version: 1, bootId: randomBytes(4).readUInt32BE(0), nextSequence: 0, bytesToday: 0, counts: emptyDay(utcDay(this.#now())),
      };
      if (!loaded) await this.#persist(state);
      return state;
    })();
    this.#state.catch(() => { this.#state = undefined; });
    return this.#state;
  }

  /** Writes the state file; writes are serialised (one temp file at a time). */
  #persist(state: ExporterState): Promise<void> {
    const write = this.#writes.then(() => writeState(this.#statePath, state));
    this.#writes = write.catch(() => undefined);
    return write;
  }

  /**
   * The record without the attributes the payload does not carry: the excluded ones, and a PRD `machine_id`
   * attribute naming the payload's own machine (the header carries it once).
   */
  #carried(record: LogRecord, machine: string): LogRecord {
    const drop = (key: string): boolean => this.#o.excluded(key) || (key === PRD_MACHINE_KEY && record.attributes[key] === machine);
    const keys = Object.keys(record.attributes);
    if (!keys.some(drop)) return record;
    const attributes: Attributes = {};
    for (const key of keys) {
      if (!drop(key)) Object.defineProperty(attributes, key, { value: record.attributes[key], enumerable: true, writable: true, configurable: true });
    }
    return { ...record, attributes };
  }

  #machine(batch: LogBatch): string {
    const id = batch.resource[RESOURCE_DEVICE_ID] ?? this.#settings.resource[RESOURCE_DEVICE_ID] ?? this.#o.machineId;
    return typeof id === 'string' && id !== '' ? id : 'unknown';
  }

  async #send(batch: LogBatch, signal: AbortSignal): Promise<SendResult> {
    const state = await this.#loadState();
    const now = this.#now();
    const machine = this.#machine(batch);
    const machineBytes = Buffer.byteLength(machine);
    if (machineBytes > MAX_MACHINE_BYTES) {
      return sendDrop(`machine id ${JSON.stringify(machine.slice(0, 80))} is ${machineBytes} bytes; an ePort payload holds at most ${MAX_MACHINE_BYTES}`);
    }
    const events: EportEvent[] = batch.records.map((r) => eventFromRecord(this.#carried(r, machine), machine));
    const print = fingerprint(batch);
    if (state.inflight?.fingerprint !== print) {
      // a new batch (an unfinished other one was given up by the host: its sequence numbers stay unused)
      const today = utcDay(now);
      if (state.counts.day !== today) {
        if (this.#o.dailySummary && state.counts.records > 0) state.pendingSummary = summaryEvent(state.counts, machine, now, this.#schedule);
        state.counts = emptyDay(today);
        state.bytesToday = 0;
        state.batchBytesToday = 0;
      }
      const selection = selectEvents(events, this.#schedule);
      const plan = planPayloads({
        selection, ...(state.pendingSummary ? { summary: state.pendingSummary } : {}),
        batchBytesLeft: this.#batchBytesLeft(state.batchBytesToday ?? 0, now),
        format: this.#o.format, maxPayloadBytes: this.#o.maxPayloadBytes, bootId: state.bootId, firstSequence: state.nextSequence,
      });
      state.inflight = {
        fingerprint: print, firstSequence: state.nextSequence, payloads: plan.payloads.map((p) => p.toString('base64')), sent: 0,
        bytes: plan.bytes, batchBytes: plan.batchBytes, sentRecords: plan.sentRecords, lossyRecords: plan.loss.aggregatedRecords + plan.loss.cutRecords + plan.loss.shortenedRecords,
        includesSummary: state.pendingSummary !== undefined,
      };
      state.nextSequence = (state.nextSequence + plan.payloads.length) % 2 ** 32;
      await this.#persist(state);
    }
    const inflight = state.inflight!;
    if (inflight.sent < inflight.payloads.length) {
      await this.#ensureOpen();
      const sender = this.#sender;
      if (sender === undefined) {
        this.#setLinkState('down');
        return sendRetry(`eport: serial port ${this.#o.path} is not open (${this.#lastOpenError})`);
      }
      const before = sender.stats.retransmissions;
      try {
        for (let i = inflight.sent; i < inflight.payloads.length; i += 1) {
          const payload = Buffer.from(inflight.payloads[i]!, 'base64');
          await sender.send(payload, { sequence: (inflight.firstSequence + i) % 2 ** 32, dictionaryId: payload[0] === PACKED_MAGIC ? (payload[2] ?? 0) : 0 }, signal);
          inflight.sent = i + 1;
          this.#metrics.payloads.add(1);
          this.#metrics.payloadBytes.add(payload.length);
        }
      } catch (error) {
        this.#metrics.retransmissions.add(sender.stats.retransmissions - before);
        this.#setLinkState(sender.state);
        await this.#persist(state);
        if (sender.state === 'down') await this.#dropLink();
        return sendRetry(`eport: ${errorMessage(error)}`);
      }
      this.#metrics.retransmissions.add(sender.stats.retransmissions - before);
      this.#setLinkState(sender.state);
    }
    countInto(state.counts, events, this.#schedule);
    state.bytesToday += inflight.bytes;
    state.batchBytesToday = (state.batchBytesToday ?? 0) + (inflight.batchBytes ?? inflight.bytes);
    if (inflight.includesSummary) delete state.pendingSummary;
    delete state.inflight;
    await this.#persist(state);
    const notSent = events.length - inflight.sentRecords + (inflight.includesSummary ? 1 : 0);
    if (notSent > 0) this.#metrics.notSent.add(notSent);
    if (inflight.lossyRecords > 0) this.#metrics.lossy.add(inflight.lossyRecords);
    return sendOk({ acceptedRecords: batch.records.length, message: `${inflight.payloads.length} payloads, ${inflight.bytes} bytes` });
  }

  /** What batch levels may use in this send (Infinity without a daily budget). */
  #batchBytesLeft(usedTodayBytes: number, nowMs: number): number {
    if (this.#o.maxBytesPerDay <= 0) return Infinity;
    const dayBudget = this.#o.maxBytesPerDay - this.#o.reservedBytesPerDay;
    return this.#o.paceBudget ? batchAllowance(dayBudget, usedTodayBytes, nowMs, PACING_LEAD_MS) : dayBudget - usedTodayBytes;
  }

  #setLinkState(state: LinkState): void {
    if (state === this.#linkState) return;
    this.#linkState = state;
    this.#metrics.linkState.set(LINK_STATE_VALUE[state]);
    if (state === 'up') this.#settings.reportStatus('ok');
    else this.#settings.reportStatus('recoverable_error', new Error(`ePort link ${state}${this.#lastOpenError ? `: ${this.#lastOpenError}` : ''}`));
  }

  async #dropLink(): Promise<void> {
    this.#sender?.close();
    this.#sender = undefined;
    const link = this.#link;
    this.#link = undefined;
    await link?.close().catch(() => undefined);
  }

  #ensureOpen(): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    if (this.#link?.isOpen() && this.#sender) return Promise.resolve();
    this.#opening ??= (async () => {
      await this.#dropLink();
      try {
        const state = await this.#loadState();
        const link = await this.#openSerial(this.#o);
        if (this.#stopped) {
          await link.close();
          return;
        }
        this.#link = link;
        this.#sender = new LinkSender(link.port, state.bootId, {
          encoding: this.#o.encoding,
          line: { baudRate: this.#o.baudRate, dataBits: this.#o.dataBits, parity: this.#o.parity, stopBits: this.#o.stopBits },
          processingMs: this.#o.processingMs, maxAttempts: this.#o.maxAttempts, backoffInitialMs: this.#backoffInitialMs,
          maxFragmentBytes: FRAGMENT_BYTES,
        });
        this.#lastOpenError = '';
        this.#setLinkState('up');
      } catch (error) {
        this.#lastOpenError = errorMessage(error);
        this.#setLinkState('down');
      }
    })().finally(() => { this.#opening = undefined; });
    return this.#opening;
  }
}

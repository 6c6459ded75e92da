// createDeliveryNode: what the pipeline puts in front of every exporter (DESIGN §4). consume() resolves once the
// batch is in the exporter's queue (durable on disk unless `queue.enabled: false`); a send loop delivers it. With
// `queue.mode: direct` there is no queue: consume() resolves once the exporter itself took the batch (direct-send.ts).
// The node owns the exporter's lifecycle: start() starts the exporter, then the loop; shutdown() drains within the
// deadline, leaves the rest queued, then shuts the exporter down.
import { mkdir } from 'node:fs/promises';
import type { LogBatch } from '../component/log-record.js';
import { FleetlogError, errorMessage } from '../component/errors.js';
import { DeadLetters } from './dead-letters.js';
import { DeliveryMetrics } from './delivery-metrics.js';
import { DirectSend } from './direct-send.js';
import { DiskQueue } from './disk-queue.js';
import { hasLeftoverQueue, sendLeftoverQueue } from './leftover-queue.js';
import { MemoryQueue } from './memory-queue.js';
import { writeQueueStatus } from './queue-status.js';
import { importInbox, watchInbox } from './replay-inbox.js';
import { SendLoop } from './send-loop.js';
import type { DeliveryQueue } from './queue.js';
import type { DeliveryNode, DeliveryNodeOptions, DeliveryStats } from './types.js';

export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 5_000;
export const DEFAULT_FULL_WAIT_MS = 5_000;
const GAUGE_REFRESH_MS = 5_000;
const STATUS_WRITE_DELAY_MS = 5_000;

export function createDeliveryNode(options: DeliveryNodeOptions): DeliveryNode {
  return new DeliveryNodeImpl(options);
}

class DeliveryNodeImpl implements DeliveryNode {
  readonly id: string;
  #o: DeliveryNodeOptions;
  #metrics: DeliveryMetrics;
  #queue: DeliveryQueue;
  #deadLetters: DeadLetters;
  #loop: SendLoop;
  /** Set with `queue.mode: direct`: consume() sends through it, and the queue stays empty. */
  #direct: DirectSend | undefined;
  /** Direct mode: records a durable-mode queue left in the folder are being sent first (see leftover-queue.ts). */
  #leftover: { done: boolean; stop: AbortController; sending: Promise<void> } | undefined;
  #started: Promise<void> | undefined;
  #stopped: Promise<void> | undefined;
  #gaugeTimer: NodeJS.Timeout | undefined;
  #statusTimer: NodeJS.Timeout | undefined;
  #stopInboxWatch: (() => void) | undefined;
  #inboxImport: Promise<void> = Promise.resolve();
  #queueOpen = false;
  /** Sends are failing (reported as recoverable_error until one succeeds). */
  #degraded = false;

  constructor(options: DeliveryNodeOptions) {
    this.#o = options;
    this.id = options.settings.id;
    this.#metrics = new DeliveryMetrics(options.settings.meter);
    const { queue } = options.config;
    const direct = queue.enabled && queue.mode === 'direct';
    const fullWaitMs = options.fullWaitMs ?? DEFAULT_FULL_WAIT_MS;
    const events = this.#metrics.queueEvents();
    // A record larger than the whole queue can never be queued: it is dead-lettered, not refused (not lost).
    const oversize = (batch: LogBatch, reason: string): Promise<void> => this.#loop.storeDeadLetters(batch, reason);
    // Direct mode keeps an empty memory queue: nothing is ever appended, so the gauges read 0 and no folder is locked.
    this.#queue = queue.enabled && !direct
      ? new DiskQueue({ ...queue, directory: options.directory, fullWaitMs, oversize, events, logger: options.settings.logger })
      : new MemoryQueue({ maxBytes: queue.maxBytes, fullPolicy: queue.fullPolicy, fullWaitMs, oversize, events });
    this.#deadLetters = new DeadLetters(options.directory, options.settings.id);
    this.#loop = new SendLoop({
      exporter: options.exporter,
      queue: this.#queue,
      config: options.config,
      deadLetters: this.#deadLetters,
      metrics: this.#metrics,
      logger: options.settings.logger,
      onProgress: () => this.#onProgress(),
      onError: () => this.#onError(),
    });
    if (direct) {
      this.#direct = new DirectSend({
        exporter: options.exporter,
        batch: options.config.batch,
        metrics: this.#metrics,
        counters: this.#loop.counters,
        storeDeadLetters: (batch, reason) => this.#loop.storeDeadLetters(batch, reason),
        noteError: (message) => this.#loop.noteError(message),
        onOk: () => this.#onProgress(),
      });
    }
  }

  #onProgress(): void {
    this.#refreshGauges();
    if (this.#degraded && this.#loop.counters.lastOutcome === 'ok') {
      this.#degraded = false;
      this.#o.settings.reportStatus('ok');
    }
  }

  #onError(): void {
    this.#scheduleStatus();
    if (!this.#degraded) {
      this.#degraded = true;
      this.#o.settings.reportStatus('recoverable_error', new Error(this.#loop.counters.lastError ?? 'send failed'));
    }
  }

  start(): Promise<void> {
    this.#started ??= (async () => {
      await mkdir(this.#o.directory, { recursive: true });
      await this.#queue.open();
      this.#queueOpen = true;
      if (this.#queue instanceof DiskQueue) {
        const r = this.#queue.recovery;
        if (r.records > 0 || r.corruptRegions > 0) {
          this.#o.settings.logger.info('Queue recovered.', { records: r.records, segments: r.segments, corruptRegions: r.corruptRegions, tornTailBytes: r.tornTailBytes, quarantined: r.quarantined.length });
        }
      }
      await this.#o.exporter.start();
      if (this.#direct === undefined) this.#loop.start();
      else if (await hasLeftoverQueue(this.#o.directory)) this.#sendLeftover(this.#direct);
      if (this.#o.config.queue.enabled) {
        // Not awaited: re-queueing may wait for room (direct: for the exporter), and start() must return.
        void this.#importInbox();
        this.#stopInboxWatch = await watchInbox(this.#o.directory, () => { void this.#importInbox(); });
      }
      this.#refreshGauges();
    })();
    return this.#started;
  }

  async consume(batch: LogBatch): Promise<void> {
    if (this.#stopped) throw new FleetlogError('FLEETLOG_ERR_QUEUE_IO', `Exporter ${this.id} is shutting down; the batch was not queued.`);
    if (!this.#started) throw new FleetlogError('FLEETLOG_ERR_QUEUE_IO', `Exporter ${this.id} is not started; the batch was not queued.`);
    await this.#started;
    if (batch.records.length === 0) return;
    if (this.#direct) {
      if (this.#leftover?.done === false) throw new FleetlogError('FLEETLOG_ERR_DIRECT_SEND', `Exporter ${this.id} first sends the records its earlier disk queue left; the batch was not taken.`);
      await this.#direct.send(batch);
      return;
    }
    await this.#queue.append(batch);
    this.#refreshGauges();
  }

  shutdown(): Promise<void> {
    this.#stopped ??= (async () => {
      const deadlineMs = performance.now() + (this.#o.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS);
      if (this.#started) {
        try {
          await this.#started;
          this.#leftover?.stop.abort();
          await (this.#direct ? this.#direct.drain(deadlineMs) : this.#loop.drain(deadlineMs));
          await this.#leftover?.sending;
        } catch (error) {
          this.#o.settings.logger.error('Delivery did not start cleanly; nothing to drain.', { error: errorMessage(error) });
        }
      }
      this.#stopGaugeTimer();
      this.#stopInboxWatch?.();
      if (this.#statusTimer !== undefined) clearTimeout(this.#statusTimer);
      // Closing first releases an inbox import waiting for room (its append is refused; the file stays).
      await this.#queue.close();
      await this.#inboxImport;
      // Not into a folder another process holds (when the open failed).
      if (this.#queueOpen) await this.#writeStatus();
      await this.#o.exporter.shutdown();
    })();
    return this.#stopped;
  }

  /** Not awaited by start(): new batches are refused (retryable) until the left-over records are out. */
  #sendLeftover(direct: DirectSend): void {
    const stop = new AbortController();
    const leftover = { done: false, stop, sending: Promise.resolve() };
    this.#leftover = leftover;
    const { logger } = this.#o.settings;
    leftover.sending = sendLeftoverQueue({ directory: this.#o.directory, config: this.#o.config, send: (batch) => direct.send(batch), signal: stop.signal, logger })
      .then((records) => { if (records > 0) logger.info('Sent the records an earlier disk queue left (queue.mode is direct now).', { records }); })
      .catch((error: unknown) => logger.error('Could not read the disk queue left in the folder; its records stay there.', { error: errorMessage(error), code: 'FLEETLOG_ERR_QUEUE_IO' }))
      .finally(() => { leftover.done = true; });
  }

  /**
   * Re-queues dead letters handed over by `fleetlog queue replay-dead-letters` (one import at a time); in direct
   * mode sends them (a file stays in the inbox until all of it is taken).
   */
  #importInbox(): Promise<void> {
    this.#inboxImport = this.#inboxImport.then(async () => {
      if (this.#stopped) return;
      try {
        const report = await importInbox(this.#o.directory, (batch) => (this.#direct ? this.#direct.send(batch) : this.#queue.append(batch)));
        if (report.files > 0) this.#o.settings.logger.info('Re-queued dead letters.', { ...report });
        this.#refreshGauges();
      } catch (error) {
        this.#o.settings.logger.warn('Could not re-queue dead letters from the replay inbox; they stay there.', { error: errorMessage(error) });
      }
    });
    return this.#inboxImport;
  }

  stats(): DeliveryStats {
    const q = this.#queue.stats();
    const c = this.#loop.counters;
    const oldest = this.#oldestUnsentAtMs();
    return {
      queuedRecords: q.queuedRecords,
      queuedBytes: q.queuedBytes,
      oldestUnsentAgeSeconds: oldest === undefined ? 0 : Math.max(0, (Date.now() - oldest) / 1000),
      sentRecords: c.sentRecords,
      sendFailedRecords: c.sendFailedRecords,
      retries: c.retries,
      deadLetteredRecords: c.deadLetteredRecords,
      droppedByPolicyRecords: q.droppedByPolicyRecords,
      corruptRecords: q.corruptRecords,
      fsyncs: q.fsyncs,
      ...(c.lastError === undefined ? {} : { lastError: c.lastError }),
    };
  }

  #oldestUnsentAtMs(): number | undefined {
    const q = this.#queue.stats();
    if (q.queuedRecords === 0) return undefined;
    return this.#loop.pendingOldestAtMs ?? q.oldestUnackedAtMs;
  }

  #refreshGauges(): void {
    const q = this.#queue.stats();
    this.#metrics.queueBytes.set(q.queuedBytes);
    this.#metrics.queueRecords.set(q.queuedRecords);
    const oldest = this.#oldestUnsentAtMs();
    this.#metrics.oldestUnsentAge.set(oldest === undefined ? 0 : Math.max(0, (Date.now() - oldest) / 1000));
    // The age grows while records wait: refresh it on a timer, but only while something is queued.
    if (q.queuedRecords > 0 && this.#gaugeTimer === undefined && !this.#stopped) {
      this.#gaugeTimer = setInterval(() => this.#refreshGauges(), GAUGE_REFRESH_MS);
      this.#gaugeTimer.unref();
    } else if (q.queuedRecords === 0) {
      this.#stopGaugeTimer();
    }
  }

  /** status.json (for `fleetlog queue inspect`) after an error, at most every few seconds. */
  #scheduleStatus(): void {
    if (this.#statusTimer !== undefined || this.#stopped) return;
    this.#statusTimer = setTimeout(() => {
      this.#statusTimer = undefined;
      void this.#writeStatus();
    }, STATUS_WRITE_DELAY_MS);
    this.#statusTimer.unref();
  }

  async #writeStatus(): Promise<void> {
    if (!this.#o.config.queue.enabled && this.#loop.counters.lastError === undefined) return;
    const s = this.stats();
    const c = this.#loop.counters;
    try {
      await writeQueueStatus(this.#o.directory, {
        exporter: this.id,
        updatedAt: new Date().toISOString(),
        ...(c.lastError === undefined ? {} : { lastError: c.lastError, lastErrorAt: new Date(c.lastErrorAtMs ?? Date.now()).toISOString() }),
        sentRecords: s.sentRecords,
        retries: s.retries,
        deadLetteredRecords: s.deadLetteredRecords,
        droppedByPolicyRecords: s.droppedByPolicyRecords,
        corruptRecords: s.corruptRecords,
      });
    } catch (error) {
      this.#o.settings.logger.warn('Could not write the queue status file.', { error: errorMessage(error) });
    }
  }

  #stopGaugeTimer(): void {
    if (this.#gaugeTimer !== undefined) clearInterval(this.#gaugeTimer);
    this.#gaugeTimer = undefined;
  }
}

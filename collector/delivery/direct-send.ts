// `queue.mode: direct`: no queue between the receivers and the exporter. consume() hands the batch (split by
// batch.max_records / max_bytes) to send() and resolves only once every part is ok — for a local durable
// destination (the `file` exporter fsyncs before ok) that is the same guarantee as the disk queue, without writing
// every record twice. retry → a retryable rejection (the receiver keeps its data and offers it again: back-pressure),
// and no attempt is accepted before retryAfterMs has passed; drop → dead letters, then resolve. One send at a time,
// in call order.
import type { Exporter } from '../component/contract.js';
import { FleetlogError, errorMessage } from '../component/errors.js';
import type { LogBatch } from '../component/log-record.js';
import type { SendResult } from '../component/send-result.js';
import type { DeliveryConfig } from './config.js';
import type { DeliveryMetrics } from './delivery-metrics.js';
import { Mutex } from './mutex.js';
import { approxRecordBytes } from './record-size.js';
import type { SendCounters } from './send-loop.js';

/** Per-record framing allowance, as the memory queue counts it (batch.max_bytes is approximate: record-size.ts). */
const RECORD_OVERHEAD_BYTES = 16;

export interface DirectSendOptions {
  exporter: Exporter;
  batch: DeliveryConfig['batch'];
  metrics: DeliveryMetrics;
  /** Shared with the send loop, so stats read the same counters in every mode. */
  counters: SendCounters;
  storeDeadLetters: (batch: LogBatch, reason: string) => Promise<void>;
  noteError: (message: string) => void;
  onOk: () => void;
}

export class DirectSend {
  #o: DirectSendOptions;
  #order = new Mutex();
  /** Aborted at the shutdown deadline (the send in flight is cancelled). */
  #abort = new AbortController();
  /** performance.now() before which no attempt is accepted (the destination's retryAfterMs). */
  #notBeforeMs = 0;

  constructor(options: DirectSendOptions) {
    this.#o = options;
  }

  /** Sends the batch part by part; resolves when all is ok or dead-lettered, rejects (retryable) otherwise. */
  send(batch: LogBatch): Promise<void> {
    return this.#order.run(async () => {
      const waitMs = this.#notBeforeMs - performance.now();
      if (waitMs > 0) throw new FleetlogError('FLEETLOG_ERR_DIRECT_SEND', `The destination asked to wait ${Math.ceil(waitMs)} ms more; the batch was not sent.`);
      for (const part of this.#split(batch)) await this.#sendPart(part);
    });
  }

  /** Waits for the send in flight until the deadline (performance.now() time), then cancels it. */
  async drain(deadlineMs: number): Promise<void> {
    const timer = setTimeout(() => this.#abort.abort(), Math.max(0, deadlineMs - performance.now()));
    try {
      await this.#order.run(async () => {}).catch(() => undefined);
    } finally {
      clearTimeout(timer);
    }
  }

  async #sendPart(batch: LogBatch): Promise<void> {
    const n = batch.records.length;
    let result: SendResult;
    try {
      result = await this.#o.exporter.send(batch, this.#abort.signal);
    } catch (error) {
      result = { outcome: 'retry', reason: `send threw: ${errorMessage(error)}` };
    }
    const c = this.#o.counters;
    c.lastOutcome = result.outcome;
    if (result.outcome === 'ok') {
      c.sentRecords += n;
      this.#o.metrics.sentRecords.add(n);
      this.#o.onOk();
      return;
    }
    if (result.outcome === 'drop') {
      await this.#o.storeDeadLetters(batch, result.reason);
      return;
    }
    c.sendFailedRecords += n;
    c.retries += 1;
    this.#o.metrics.sendFailedRecords.add(n);
    this.#o.metrics.retries.add(1);
    this.#o.noteError(result.reason);
    if (result.retryAfterMs !== undefined && result.retryAfterMs > 0) this.#notBeforeMs = performance.now() + result.retryAfterMs;
    throw new FleetlogError('FLEETLOG_ERR_DIRECT_SEND', `Exporter send failed (the receiver keeps the batch and retries): ${result.reason}`);
  }

  *#split(batch: LogBatch): Generator<LogBatch> {
    const { maxRecords, maxBytes } = this.#o.batch;
    if (batch.records.length <= maxRecords && fitsBytes(batch, maxBytes)) {
      // The common case: the receiver's batch is one part — its records array goes as it is (no copy; nobody
      // changes a batch after consume(), and no exporter changes the one it is sent).
      yield { resource: batch.resource, records: batch.records };
      return;
    }
    let records: LogBatch['records'] = [];
    let bytes = 0;
    for (const record of batch.records) {
      const size = approxRecordBytes(record) + RECORD_OVERHEAD_BYTES;
      if (records.length > 0 && (records.length >= maxRecords || bytes + size > maxBytes)) {
        yield { resource: batch.resource, records };
        records = [];
        bytes = 0;
      }
      records.push(record);
      bytes += size;
    }
    if (records.length > 0) yield { resource: batch.resource, records };
  }
}

/** True when the batch's records take at most maxBytes (approximately, as #split counts them). */
function fitsBytes(batch: LogBatch, maxBytes: number): boolean {
  let bytes = 0;
  for (const record of batch.records) {
    bytes += approxRecordBytes(record) + RECORD_OVERHEAD_BYTES;
    if (bytes > maxBytes) return false;
  }
  return true;
}

// The reader side of one exporter queue: reads in order, forms batches (max_records / max_bytes / max_age, one
// resource per batch), calls send(), and acts on the outcome — ok: acknowledge; retry: back off (never giving up
// unless retry.max_elapsed is set) honouring retryAfterMs; drop: dead letters, then acknowledge. One send in
// flight at a time, so the destination sees queue order. No timer runs while the queue is empty.
import type { Exporter, Logger } from '../component/contract.js';
import { errorMessage } from '../component/errors.js';
import type { LogBatch } from '../component/log-record.js';
import type { SendResult } from '../component/send-result.js';
import { retryDelayMs } from './backoff.js';
import type { DeliveryConfig } from './config.js';
import type { DeadLetters } from './dead-letters.js';
import type { DeliveryMetrics } from './delivery-metrics.js';
import { sleep } from './notifier.js';
import type { DeliveryQueue, QueuedRecord } from './queue.js';

export interface SendLoopOptions {
  exporter: Exporter;
  queue: DeliveryQueue;
  config: DeliveryConfig;
  deadLetters: DeadLetters;
  metrics: DeliveryMetrics;
  logger: Logger;
  /** Called after every change of the queue's levels (for gauges). */
  onProgress: () => void;
  /** Called when lastError changes. */
  onError?: () => void;
  random?: () => number;
}

export interface SendCounters {
  sentRecords: number;
  sendFailedRecords: number;
  retries: number;
  deadLetteredRecords: number;
  lastError: string | undefined;
  lastErrorAtMs: number | undefined;
  /** Outcome of the latest send attempt. */
  lastOutcome: 'ok' | 'retry' | 'drop' | undefined;
}

export class SendLoop {
  readonly counters: SendCounters = { sentRecords: 0, sendFailedRecords: 0, retries: 0, deadLetteredRecords: 0, lastError: undefined, lastErrorAtMs: undefined, lastOutcome: undefined };
  #o: SendLoopOptions;
  #pending: QueuedRecord[] = [];
  /** Aborts waits (batching, backoff, idle) — the loop then drains once and ends. */
  #stop = new AbortController();
  /** Aborts the send in flight (at the shutdown deadline). */
  #sendAbort = new AbortController();
  #draining = false;
  /** The batch head and when (performance.now()) the loop first saw it. */
  #head: { seq: number; seenAtMs: number } | undefined;
  #done: Promise<void> | undefined;

  constructor(options: SendLoopOptions) {
    this.#o = options;
  }

  start(): void {
    this.#done ??= this.#supervise();
  }

  /** Runs the loop; after an unexpected failure (a queue read error) it starts again after a pause — never gives up. */
  async #supervise(): Promise<void> {
    for (let failures = 0; ; failures += 1) {
      try {
        await this.#run();
        return;
      } catch (error) {
        this.noteError(`delivery loop: ${errorMessage(error)}`);
        this.#o.logger.error('The delivery loop failed; it starts again, records stay queued.', { error: errorMessage(error), code: 'FLEETLOG_ERR_QUEUE_IO' });
        if (this.#draining) return;
        await sleep(Math.min(30_000, 1_000 * 2 ** Math.min(failures, 5)), this.#stop.signal);
      }
    }
  }

  /** Records read from the queue but not yet acknowledged (the send in flight and the read-ahead). */
  get pendingOldestAtMs(): number | undefined {
    return this.#pending[0]?.enqueuedAtMs;
  }

  /** Sends what can be sent until the deadline (performance.now() time) without waiting for batches to fill or backing off. */
  async drain(deadlineMs: number): Promise<void> {
    this.#draining = true;
    this.#stop.abort();
    const timer = setTimeout(() => this.#sendAbort.abort(), Math.max(0, deadlineMs - performance.now()));
    try {
      this.start();
      // An exporter that ignores its abort signal cannot hold the shutdown beyond the deadline (plus a grace).
      await Promise.race([this.#done, sleep(Math.max(0, deadlineMs - performance.now()) + 250)]);
    } finally {
      clearTimeout(timer);
    }
  }

  async #fill(): Promise<void> {
    const want = this.#o.config.batch.maxRecords * 2 - this.#pending.length;
    if (want > 0 && this.#o.queue.hasUnread()) this.#pending.push(...(await this.#o.queue.read(want)));
  }

  async #run(): Promise<void> {
    for (;;) {
      await this.#fill();
      if (this.#pending.length === 0) {
        if (this.#draining) return;
        await this.#o.queue.waitForAppend(this.#stop.signal);
        continue;
      }
      const size = await this.#batchSize();
      const records = this.#pending.slice(0, size);
      const finished = await this.#deliver(records);
      if (!finished) return;
      this.#pending.splice(0, size);
      this.#o.onProgress();
    }
  }

  /**
   * How many pending records form the next batch; waits up to max_age for it to fill. A record at or above
   * `batch.flush_severity` closes the batch at once, at the last such record (the records before it go with it).
   */
  async #batchSize(): Promise<number> {
    const { maxRecords, maxBytes, maxAgeMs, flushSeverity } = this.#o.config.batch;
    for (;;) {
      const first = this.#pending[0]!;
      let count = 0;
      let bytes = 0;
      let closed = false;
      let flushAt = 0;
      for (const entry of this.#pending) {
        if (entry.resourceKey !== first.resourceKey || count >= maxRecords || (count > 0 && bytes + entry.bytes > maxBytes)) {
          closed = true;
          break;
        }
        count += 1;
        bytes += entry.bytes;
        if (flushSeverity !== undefined && entry.record.severityNumber >= flushSeverity) flushAt = count;
      }
      if (!closed && flushAt > 0) return flushAt;
      // Wall clocks jump on a Pi (no RTC until NTP): the wait also ends max_age after this loop first saw the
      // record (monotonic time), whatever its append time says.
      if (this.#head?.seq !== first.seq) this.#head = { seq: first.seq, seenAtMs: performance.now() };
      const waitMs = Math.min(first.enqueuedAtMs + maxAgeMs - Date.now(), this.#head.seenAtMs + maxAgeMs - performance.now());
      if (closed || this.#draining || waitMs <= 0) return count;
      // One wait for an append, the rest of max_age or the stop, whichever comes first: one timer and one
      // listener, both gone when it ends (no AbortController or promise race per wait).
      await this.#o.queue.waitForAppend(this.#stop.signal, waitMs);
      await this.#fill();
    }
  }

  /** Delivers one batch; false when the loop must stop with it still queued (shutdown). */
  async #deliver(records: QueuedRecord[]): Promise<boolean> {
    const batch: LogBatch = { resource: records[0]!.resource, records: records.map((r) => r.record) };
    const firstSeq = records[0]!.seq;
    const lastSeq = records[records.length - 1]!.seq;
    const { retry } = this.#o.config;
    const startedAtMs = performance.now();
    for (let attempt = 0; ; attempt += 1) {
      if (this.#sendAbort.signal.aborted) return false;
      let result: SendResult;
      try {
        result = await this.#o.exporter.send(batch, this.#sendAbort.signal);
      } catch (error) {
        result = { outcome: 'retry', reason: `send threw: ${errorMessage(error)}` };
      }
      this.counters.lastOutcome = result.outcome;
      if (result.outcome === 'ok') {
        await this.#o.queue.ack(lastSeq);
        this.counters.sentRecords += records.length;
        this.#o.metrics.sentRecords.add(records.length);
        return true;
      }
      if (result.outcome === 'drop') {
        await this.#deadLetter(batch, result.reason, firstSeq, lastSeq);
        return true;
      }
      this.noteError(result.reason);
      this.counters.sendFailedRecords += records.length;
      this.#o.metrics.sendFailedRecords.add(records.length);
      if (retry.maxElapsedMs > 0 && performance.now() - startedAtMs >= retry.maxElapsedMs) {
        await this.#deadLetter(batch, `gave up after retry.max_elapsed (${retry.maxElapsedMs} ms): ${result.reason}`, firstSeq, lastSeq);
        return true;
      }
      if (this.#draining) return false;
      const delayMs = retryDelayMs(retry, attempt, result.retryAfterMs, this.#o.random);
      if (!(await sleep(delayMs, this.#stop.signal))) return false;
      this.counters.retries += 1;
      this.#o.metrics.retries.add(1);
    }
  }

  async #deadLetter(batch: LogBatch, reason: string, firstSeq: number, lastSeq: number): Promise<void> {
    await this.storeDeadLetters(batch, reason, firstSeq);
    await this.#o.queue.ack(lastSeq);
  }

  /** Writes records to the dead-letter folder and counts them (also for records the queue can never hold). */
  async storeDeadLetters(batch: LogBatch, reason: string, firstSeq = 0): Promise<void> {
    await this.#o.deadLetters.write([batch], reason, firstSeq);
    this.counters.deadLetteredRecords += batch.records.length;
    this.#o.metrics.deadLetteredRecords.add(batch.records.length);
    this.noteError(`dead-lettered ${batch.records.length} records: ${reason}`);
    this.#o.logger.warn('Moved a batch to the dead-letter folder.', { records: batch.records.length, reason, directory: this.#o.deadLetters.directory });
  }

  /** Records the latest error (stats, status) and tells the node. */
  noteError(message: string): void {
    this.counters.lastError = message;
    this.counters.lastErrorAtMs = Date.now();
    this.#o.onError?.();
  }
}

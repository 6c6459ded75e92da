// LogsSink: a LogsConsumer that keeps every batch it is given, for tests. Failure injection makes it refuse the
// next n batches (back-pressure, or PermanentError for "never"), to test how a component reacts.
import type { LogsConsumer } from '../component/contract.js';
import type { LogBatch, LogRecord } from '../component/log-record.js';

interface Waiter {
  readonly count: number;
  readonly resolve: () => void;
}

export class LogsSink implements LogsConsumer {
  readonly #batches: LogBatch[] = [];
  #recordCount = 0;
  #failures: Error[] = [];
  #refusedBatches = 0;
  #waiters: Waiter[] = [];

  async consume(batch: LogBatch): Promise<void> {
    const failure = this.#failures.shift();
    if (failure) {
      this.#refusedBatches += 1;
      throw failure;
    }
    this.#batches.push(batch);
    this.#recordCount += batch.records.length;
    this.#waiters = this.#waiters.filter((waiter) => {
      if (this.#recordCount < waiter.count) return true;
      waiter.resolve();
      return false;
    });
  }

  /** The batches accepted so far, in order. */
  get batches(): readonly LogBatch[] {
    return this.#batches;
  }

  /** Every accepted record, in order. */
  records(): LogRecord[] {
    return this.#batches.flatMap((batch) => batch.records);
  }

  get recordCount(): number {
    return this.#recordCount;
  }

  /** Batches refused by injected failures. */
  get refusedBatches(): number {
    return this.#refusedBatches;
  }

  /** The next `count` calls of consume() reject with `error` (default: a plain Error, i.e. "not now"). */
  failNext(count: number, error: Error = new Error('LogsSink: injected failure')): void {
    for (let i = 0; i < count; i += 1) this.#failures.push(error);
  }

  /** Resolves once at least `count` records were accepted; rejects after `timeoutMs` saying how many arrived. */
  waitForRecords(count: number, timeoutMs = 5_000): Promise<void> {
    if (this.#recordCount >= count) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        reject(new Error(`LogsSink: ${this.#recordCount} of ${count} records after ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter: Waiter = { count, resolve: () => { clearTimeout(timer); resolve(); } };
      this.#waiters.push(waiter);
    });
  }

  /** Forgets everything received (injected failures stay). */
  reset(): void {
    this.#batches.length = 0;
    this.#recordCount = 0;
  }
}

// One input, several consumers (a receiver feeding several pipelines; a pipeline feeding several exporters).
// consume() resolves when every consumer accepted the batch. A consumer that changes batches in place gets its own
// copy when others share the batch; read-only consumers share it (copy only for mutating consumers).
import type { LogsConsumer } from '../component/contract.js';
import { isPermanentError, PermanentError } from '../component/errors.js';
import type { LogBatch } from '../component/log-record.js';

export interface FanOutTarget {
  readonly consumer: LogsConsumer;
  /** True when the consumer changes the batch it is given. */
  readonly mutates: boolean;
}

export class FanOut implements LogsConsumer {
  readonly #targets: readonly FanOutTarget[];

  constructor(targets: readonly FanOutTarget[]) {
    this.#targets = targets;
  }

  get mutates(): boolean {
    return this.#targets.length === 1 && this.#targets[0]!.mutates;
  }

  /**
   * Rejects when any consumer rejected: with PermanentError only if every rejection was permanent (then a retry
   * cannot help); otherwise with the first retryable error, so the sender retries (at-least-once: consumers that
   * accepted see the batch again, and downstream de-duplicates by record id).
   */
  async consume(batch: LogBatch): Promise<void> {
    if (this.#targets.length === 1) return this.#targets[0]!.consumer.consume(batch);
    const results = await Promise.allSettled(this.#targets.map((t) =>
      (async () => t.consumer.consume(t.mutates ? structuredClone(batch) : batch))()));
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as unknown);
    if (failures.length === 0) return;
    const retryable = failures.find((f) => !isPermanentError(f));
    if (retryable !== undefined) throw retryable;
    if (failures.length === 1) throw failures[0];
    throw new PermanentError(`${failures.length} of ${this.#targets.length} consumers refused the batch: ${failures.map((f) => (f as Error).message).join('; ')}`);
  }
}

// chDB runs one operation at a time per session (a second query waits inside the engine until the first ends), so
// the embedded engine submits one operation at a time itself and picks the next one by priority: reads (API
// queries) before writes (inserts). A read then waits for at most the one insert that is running, instead of for
// every insert queued before it. Measured in docs/benchmarks.md ("reads while ingesting"). So that a steady stream
// of reads (several dashboards polling) cannot starve ingest, a waiting write goes next after `maxReadsAhead` reads
// in a row.

export type OpKind = 'read' | 'write';

/** Reads that may run in a row while a write waits (default). */
export const DEFAULT_MAX_READS_AHEAD = 4;

export class OpQueue {
  #busy = false;
  readonly #reads: (() => void)[] = [];
  readonly #writes: (() => void)[] = [];
  readonly #maxReadsAhead: number;
  #readsInARow = 0;

  constructor(options: { maxReadsAhead?: number } = {}) {
    this.#maxReadsAhead = options.maxReadsAhead ?? DEFAULT_MAX_READS_AHEAD;
  }

  /** Operations waiting (not counting the running one). */
  get waiting(): number {
    return this.#reads.length + this.#writes.length;
  }

  async run<T>(kind: OpKind, op: () => Promise<T>): Promise<T> {
    if (this.#busy) {
      // Handed over by #next() with #busy still set, so nobody can slip in between.
      await new Promise<void>((resolve) => (kind === 'read' ? this.#reads : this.#writes).push(resolve));
    }
    this.#busy = true;
    this.#readsInARow = kind === 'read' ? this.#readsInARow + 1 : 0;
    try {
      return await op();
    } finally {
      this.#next();
    }
  }

  #next(): void {
    const writeFirst = this.#writes.length > 0 && (this.#reads.length === 0 || this.#readsInARow >= this.#maxReadsAhead);
    const next = writeFirst ? this.#writes.shift() : (this.#reads.shift() ?? this.#writes.shift());
    if (next) next();
    else this.#busy = false;
  }
}

// chDB runs one operation at a time per session (a second query waits inside the engine until the first ends), so
// the embedded engine submits one operation at a time itself and picks the next one by priority: reads (API
// queries) before writes (inserts). A read then waits for at most the one insert that is running, instead of for
// every insert queued before it. Measured in docs/benchmarks.md ("reads while ingesting").

export type OpKind = 'read' | 'write';

export class OpQueue {
  #busy = false;
  readonly #reads: (() => void)[] = [];
  readonly #writes: (() => void)[] = [];

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
    try {
      return await op();
    } finally {
      this.#next();
    }
  }

  #next(): void {
    const next = this.#reads.shift() ?? this.#writes.shift();
    if (next) next();
    else this.#busy = false;
  }
}

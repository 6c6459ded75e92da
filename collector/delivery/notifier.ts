// A wake-up for waiters: wait() resolves on the next notify(), on abort, or after an optional timeout.
// No timer runs while nobody waits.
export class Notifier {
  #waiters = new Set<() => void>();

  notify(): void {
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    for (const wake of waiters) wake();
  }

  get waiting(): number {
    return this.#waiters.size;
  }

  /** Resolves true when notified, false on timeout or abort. */
  wait(signal?: AbortSignal, timeoutMs?: number): Promise<boolean> {
    if (signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const finish = (notified: boolean): void => {
        this.#waiters.delete(onNotify);
        if (timer !== undefined) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve(notified);
      };
      const onNotify = (): void => finish(true);
      const onAbort = (): void => finish(false);
      this.#waiters.add(onNotify);
      signal?.addEventListener('abort', onAbort, { once: true });
      if (timeoutMs !== undefined) timer = setTimeout(() => finish(false), Math.max(0, timeoutMs));
    });
  }
}

/** Sleeps `ms`, or less if the signal aborts; resolves true when the full time passed. */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

// How many exports stream at once, and how long the next ones wait in line (first come, first served). An export
// holds its place from its first query to its last byte; a request that would wait longer than `maxWaitMs` is
// answered 503 FLEETLOG_ERR_EXPORT_BUSY with Retry-After instead, and one whose client goes away leaves the line.
import { ApiError } from '../errors.js';

export interface ExportGateOptions {
  readonly maxConcurrent: number;
  readonly maxWaitMs: number;
}

interface Waiter {
  grant(): void;
}

/** Gives the place back; idempotent. */
export type ReleaseExport = () => void;

export class ExportGate {
  readonly #options: ExportGateOptions;
  #running = 0;
  readonly #line: Waiter[] = [];

  constructor(options: ExportGateOptions) {
    this.#options = options;
  }

  get running(): number {
    return this.#running;
  }

  get waiting(): number {
    return this.#line.length;
  }

  /**
   * Resolves with a release function once the export may stream. Rejects with ApiError FLEETLOG_ERR_EXPORT_BUSY
   * after `maxWaitMs` in line, or with the signal's reason when it aborts first.
   */
  acquire(signal?: AbortSignal): Promise<ReleaseExport> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#running < this.#options.maxConcurrent && this.#line.length === 0) {
      this.#running += 1;
      return Promise.resolve(this.#releaser());
    }
    return new Promise<ReleaseExport>((resolve, reject) => {
      const leave = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        const at = this.#line.indexOf(waiter);
        if (at !== -1) this.#line.splice(at, 1);
      };
      const waiter: Waiter = {
        grant: () => {
          leave();
          this.#running += 1;
          resolve(this.#releaser());
        },
      };
      const onAbort = (): void => {
        leave();
        reject(signal!.reason);
      };
      const timer = setTimeout(() => {
        leave();
        reject(new ApiError('FLEETLOG_ERR_EXPORT_BUSY',
          `${this.#running} export(s) streaming and none finished within ${this.#options.maxWaitMs} ms; retry later`,
          { retryAfterSeconds: Math.max(1, Math.ceil(this.#options.maxWaitMs / 1000)) }));
      }, this.#options.maxWaitMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#line.push(waiter);
    });
  }

  #releaser(): ReleaseExport {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#running -= 1;
      this.#line[0]?.grant();
    };
  }
}

// Collects rows from many requests into inserts of ≥ batchMaxRows rows or ≤ batchMaxDelayMs old, so ClickHouse
// sees few, large inserts (one at a time by default: under load the next insert takes everything that arrived
// meanwhile, up to 4 × batchMaxRows). `add()` resolves when the rows are stored (the caller answers its client only then),
// and rejects with ApiError when storage is back-pressured: 429 when too many rows are waiting, 503 when the
// engine failed (unreachable, overloaded) — in both cases nothing of that request is acknowledged — and 400 when
// the engine refused that request's data (isolated from the other requests of the insert).
import { ApiError, isApiError } from '../errors.js';
import type { LogRowInsert } from '../store/log-row.js';

/** ClickHouse errors that mean "this data is not acceptable" (parse errors, bad values), not "not now". */
const REFUSED_DATA = /\b(CANNOT_PARSE\w*|INCORRECT_DATA|TYPE_MISMATCH|TOO_LARGE_STRING_SIZE|CANNOT_READ_ALL_DATA|ARGUMENT_OUT_OF_BOUND|VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE)\b|Cannot parse/;

export function isRefusedData(error: unknown): boolean {
  if (isApiError(error) && error.code === 'FLEETLOG_ERR_BACKPRESSURE') return false;
  return REFUSED_DATA.test(String((error as Error)?.message ?? error));
}

export interface BatcherOptions {
  readonly maxRows: number;
  readonly maxDelayMs: number;
  readonly maxPendingRows: number;
  /** Inserts running at once (each is one engine call); default 1: while one runs, the next one grows. */
  readonly concurrency?: number;
  /** Largest insert when much is waiting (default 4 × maxRows). */
  readonly maxInsertRows?: number;
}

export interface BatcherStats {
  insertedRows: number;
  inserts: number;
  failedInserts: number;
  refusedRows: number;
  pendingRows: number;
  insertSeconds: number;
}

interface Waiter {
  readonly rows: readonly LogRowInsert[];
  readonly queuedAtMs: number;
  resolve(): void;
  reject(error: unknown): void;
}

export type InsertFn = (rows: readonly LogRowInsert[]) => Promise<void>;

export class InsertBatcher {
  readonly #insert: InsertFn;
  readonly #options: BatcherOptions;
  #queue: Waiter[] = [];
  #queuedRows = 0;
  #inFlightRows = 0;
  #running = 0;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  readonly #inFlight = new Set<Promise<void>>();
  readonly stats: BatcherStats = { insertedRows: 0, inserts: 0, failedInserts: 0, refusedRows: 0, pendingRows: 0, insertSeconds: 0 };

  constructor(insert: InsertFn, options: BatcherOptions) {
    this.#insert = insert;
    this.#options = options;
  }

  get pendingRows(): number {
    return this.#queuedRows + this.#inFlightRows;
  }

  add(rows: readonly LogRowInsert[]): Promise<void> {
    if (rows.length === 0) return Promise.resolve();
    if (this.#closed) return Promise.reject(new ApiError('FLEETLOG_ERR_BACKPRESSURE', 'the server is shutting down', { retryAfterSeconds: 5 }));
    if (this.pendingRows + rows.length > this.#options.maxPendingRows && this.pendingRows > 0) {
      this.stats.refusedRows += rows.length;
      return Promise.reject(new ApiError('FLEETLOG_ERR_RATE_LIMITED',
        `${this.pendingRows} rows are waiting for storage (limit ${this.#options.maxPendingRows}); retry later`, { retryAfterSeconds: 1 }));
    }
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ rows, queuedAtMs: performance.now(), resolve, reject });
      this.#queuedRows += rows.length;
      this.stats.pendingRows = this.pendingRows;
      this.#schedule();
    });
  }

  /** Flushes when ≥ maxRows wait, or when the oldest waiting row is maxDelayMs old; else arms a timer for that. */
  #schedule(): void {
    const concurrency = this.#options.concurrency ?? 1;
    while (this.#queuedRows >= this.#options.maxRows && this.#running < concurrency) this.#flush();
    if (this.#queuedRows === 0 || this.#running >= concurrency) return;
    const dueInMs = this.#queue[0]!.queuedAtMs + this.#options.maxDelayMs - performance.now();
    if (dueInMs <= 0 || this.#closed) {
      this.#flush();
      return;
    }
    if (this.#timer === undefined) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.#schedule();
      }, Math.ceil(dueInMs));
    }
  }

  /** Takes whole requests from the queue up to ~maxRows and inserts them as one. */
  #flush(): void {
    if (this.#timer !== undefined) { clearTimeout(this.#timer); this.#timer = undefined; }
    const taken: Waiter[] = [];
    let count = 0;
    const cap = this.#options.maxInsertRows ?? this.#options.maxRows * 4;
    while (this.#queue.length > 0 && (count === 0 || count + this.#queue[0]!.rows.length <= cap)) {
      const waiter = this.#queue.shift()!;
      taken.push(waiter);
      count += waiter.rows.length;
    }
    this.#queuedRows -= count;
    this.#inFlightRows += count;
    this.#running += 1;
    const rows: LogRowInsert[] = [];
    for (const waiter of taken) for (const row of waiter.rows) rows.push(row);
    const started = performance.now();
    const done: Promise<void> = this.#insertTaken(taken, rows).then((answers) => {
      // Bookkeeping first, then the answers: a caller that awaits its add() sees the rows no longer pending.
      this.stats.insertSeconds += (performance.now() - started) / 1000;
      this.#inFlightRows -= count;
      this.#running -= 1;
      this.stats.pendingRows = this.pendingRows;
      this.#inFlight.delete(done);
      answers.forEach((answer, i) => {
        if (answer === undefined) taken[i]!.resolve();
        else taken[i]!.reject(answer);
      });
      this.#schedule();
    });
    this.#inFlight.add(done);
  }

  /**
   * Inserts the rows of several requests as one; the answer per request (undefined = stored). When the store
   * refuses the data itself (not the connection), each request is retried alone, so one bad request gets its 400
   * and the others are stored instead of all being told to retry forever.
   */
  async #insertTaken(taken: readonly Waiter[], rows: readonly LogRowInsert[]): Promise<(ApiError | undefined)[]> {
    try {
      await this.#insert(rows);
      this.stats.insertedRows += rows.length;
      this.stats.inserts += 1;
      return taken.map(() => undefined);
    } catch (error) {
      this.stats.failedInserts += 1;
      if (taken.length === 1 || !isRefusedData(error)) return taken.map(() => this.#answerFor(error));
    }
    const answers: (ApiError | undefined)[] = [];
    for (const waiter of taken) {
      try {
        await this.#insert(waiter.rows);
        this.stats.insertedRows += waiter.rows.length;
        this.stats.inserts += 1;
        answers.push(undefined);
      } catch (error) {
        this.stats.failedInserts += 1;
        answers.push(this.#answerFor(error));
      }
    }
    return answers;
  }

  #answerFor(error: unknown): ApiError {
    if (isRefusedData(error)) {
      return new ApiError('FLEETLOG_ERR_BAD_REQUEST', `the store refused these records: ${(error as Error).message}`, { cause: error });
    }
    // Anything but refused credentials is "not now" for the client: it keeps the batch and retries.
    if (isApiError(error) && (error.code === 'FLEETLOG_ERR_BACKPRESSURE' || error.code === 'FLEETLOG_ERR_STORE_AUTH')) return error;
    return new ApiError('FLEETLOG_ERR_BACKPRESSURE', `storage insert failed: ${(error as Error).message}`, { cause: error, retryAfterSeconds: 5 });
  }

  /** Flushes what is waiting and waits for every insert; later add() calls are refused. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== undefined) { clearTimeout(this.#timer); this.#timer = undefined; }
    while (this.#queuedRows > 0 || this.#inFlight.size > 0) {
      if (this.#queuedRows > 0 && this.#running < (this.#options.concurrency ?? 1)) this.#flush();
      else await Promise.race(this.#inFlight);
    }
  }
}

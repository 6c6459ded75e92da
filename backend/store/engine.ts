// The one seam between the store and a ClickHouse engine. Two implementations run the same SQL:
// chdb-engine.ts (embedded chDB, in-process, async on libuv threads) and http-engine.ts (@clickhouse/client).
// Parameters are ClickHouse query parameters (`{name:Type}` in the SQL), bound by the engine, never spliced.

export type QueryParams = Readonly<Record<string, string | number | boolean>>;

export interface SqlEngine {
  /** `embedded` (chDB) or `http` (a ClickHouse server or cluster). */
  readonly kind: 'embedded' | 'http';
  /** Runs a SELECT and returns its rows (64-bit integers as strings). */
  query<T = Record<string, unknown>>(sql: string, params?: QueryParams): Promise<T[]>;
  /** Runs a statement without a result (DDL, ALTER, INSERT … SELECT). */
  command(sql: string, params?: QueryParams): Promise<void>;
  /**
   * Inserts rows given as JSONCompactEachRow bytes (one JSON array per line, values in `columns` order) — one
   * insert, one block per partition.
   */
  insertJsonRows(table: string, columns: readonly string[], rows: Buffer, settings?: Readonly<Record<string, string | number>>): Promise<void>;
  /**
   * Streams a SELECT's output in a ClickHouse format (`JSONEachRow`, `CSV`, …) as bytes, chunk by chunk, without
   * parsing it in JS (exports). Stops when `signal` aborts.
   */
  streamRaw(sql: string, params: QueryParams, format: 'JSONEachRow' | 'CSV', signal?: AbortSignal): AsyncIterable<Uint8Array>;
  /** Releases the engine; idempotent. */
  close(): Promise<void>;
}

/** Settings every query runs with, on both engines: 64-bit integers as JSON strings (no precision loss in JS). */
export const QUERY_SETTINGS = Object.freeze({
  output_format_json_quote_64bit_integers: 1,
  date_time_output_format: 'iso',
} as const);

// ClickHouse server or cluster over HTTP (@clickhouse/client). Runs the same SQL as the embedded engine.
// Transport failures are classified so the ingest path can answer with back-pressure (503 + Retry-After) when
// the server is unreachable or overloaded, and a clear error when the credentials are wrong.
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { ApiError } from '../errors.js';
import { QUERY_SETTINGS, type QueryParams, type SqlEngine } from './engine.js';

import type * as ClickhouseClientTypes from '@clickhouse/client';

type ClientModule = typeof ClickhouseClientTypes;
type Client = ReturnType<ClientModule['createClient']>;

export interface HttpEngineOptions {
  readonly url: string;
  readonly username: string;
  readonly password: string;
  readonly database: string;
  readonly requestTimeoutMs: number;
  /**
   * A @clickhouse/client Connection to use instead of HTTP — tests plug in chDB (`chdb/connection`) to run the
   * store suite through this engine's code without a server.
   */
  readonly connection?: unknown;
}

/** ClickHouse error codes that mean "slow down / try later" (TOO_MANY_PARTS, TOO_MANY_SIMULTANEOUS_QUERIES, …). */
const RETRYABLE_CLICKHOUSE_CODES = new Set(['252', '202', '241', '159', '209', '210', '425', '999', '319', '3']);
const AUTH_CLICKHOUSE_CODES = new Set(['516', '192', '193', '194', '195']);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'UND_ERR_SOCKET']);

/** Maps a client/transport error to an ApiError with a code the routes understand. */
export function classifyHttpEngineError(error: unknown, url: string): ApiError {
  if (error instanceof ApiError) return error;
  const e = error as { code?: unknown; type?: unknown; message?: unknown; cause?: { code?: unknown } };
  const code = String(e.code ?? e.cause?.code ?? '');
  const message = String(e.message ?? error);
  if (NETWORK_CODES.has(code) || /ECONNREFUSED|socket hang up|Timeout error|timed out/i.test(message)) {
    return new ApiError('FLEETLOG_ERR_BACKPRESSURE', `ClickHouse at ${url} is unreachable (${code || message}); retry later`, { cause: error, retryAfterSeconds: 5 });
  }
  if (AUTH_CLICKHOUSE_CODES.has(code) || /Authentication failed|AUTHENTICATION_FAILED|password is incorrect|REQUIRED_PASSWORD/i.test(message)) {
    return new ApiError('FLEETLOG_ERR_STORE_AUTH', `ClickHouse at ${url} refused the configured user: ${message}`, { cause: error });
  }
  if (RETRYABLE_CLICKHOUSE_CODES.has(code) || /TOO_MANY_PARTS|TOO_MANY_SIMULTANEOUS|MEMORY_LIMIT|503|502|504/.test(message)) {
    return new ApiError('FLEETLOG_ERR_BACKPRESSURE', `ClickHouse at ${url} is overloaded: ${message}`, { cause: error, retryAfterSeconds: 5 });
  }
  return new ApiError('FLEETLOG_ERR_STORE', `ClickHouse at ${url}: ${message}`, { cause: error });
}

export class HttpEngine implements SqlEngine {
  readonly kind = 'http' as const;
  readonly #client: Client;
  readonly #url: string;
  #closed = false;

  private constructor(client: Client, url: string) {
    this.#client = client;
    this.#url = url;
  }

  static async open(options: HttpEngineOptions): Promise<HttpEngine> {
    let module: ClientModule;
    try {
      module = await import('@clickhouse/client');
    } catch (error) {
      throw new ApiError('FLEETLOG_ERR_STORE', 'the server store needs the optional dependency @clickhouse/client', { cause: error });
    }
    const client = module.createClient({
      url: options.url,
      username: options.username,
      password: options.password,
      database: options.database,
      request_timeout: options.requestTimeoutMs,
      clickhouse_settings: { ...QUERY_SETTINGS },
      // Errors reach the caller as ApiErrors (and /metrics); the client's own console logging is off.
      log: { level: module.ClickHouseLogLevel.OFF },
      ...(options.connection !== undefined ? { connection: options.connection as never } : {}),
    });
    return new HttpEngine(client, options.url);
  }

  async #run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#closed) throw new ApiError('FLEETLOG_ERR_STORE', 'the store is closed');
    try {
      return await work();
    } catch (error) {
      throw classifyHttpEngineError(error, this.#url);
    }
  }

  query<T>(sql: string, params: QueryParams = {}): Promise<T[]> {
    return this.#run(async () => {
      const result = await this.#client.query({ query: sql, query_params: { ...params }, format: 'JSONEachRow' });
      return result.json<T>();
    });
  }

  command(sql: string, params: QueryParams = {}): Promise<void> {
    return this.#run(async () => {
      await this.#client.command({ query: sql, query_params: { ...params } });
    });
  }

  insertJsonRows(table: string, columns: readonly string[], rows: Buffer, settings: Readonly<Record<string, string | number>> = {}): Promise<void> {
    return this.#run(async () => {
      // exec sends the bytes as they are (insert() would re-serialize row objects).
      const result = await this.#client.exec({
        query: `INSERT INTO ${table} (${columns.join(', ')}) FORMAT JSONCompactEachRow`,
        values: Readable.from([rows], { objectMode: false }),
        clickhouse_settings: { ...settings } as never,
      });
      result.stream.resume();
      await once(result.stream, 'end');
    });
  }

  async *streamRaw(sql: string, params: QueryParams, format: 'JSONEachRow' | 'CSV', signal?: AbortSignal): AsyncIterable<Uint8Array> {
    const result = await this.#run(() => this.#client.exec({
      query: `${sql}\nFORMAT ${format}`, query_params: { ...params }, ...(signal ? { abort_signal: signal } : {}),
    }));
    try {
      for await (const chunk of result.stream as AsyncIterable<Uint8Array>) yield chunk;
    } finally {
      result.stream.destroy();
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#client.close();
  }
}

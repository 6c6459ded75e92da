// Embedded ClickHouse (chDB). One data folder per process (the engine is a process singleton and locks the
// folder). chDB's async calls run on libuv worker threads, so queries do not block the event loop; rows are
// parsed on the main thread (JSONEachRow), which bench/backend-ingest.ts measures.
// A chDB session (one native connection) holds at most one result stream, and any other query on that session
// ends its stream ("No active streaming query"). So queries and inserts run on the main session, and every
// stream (exports) gets a session of its own at the same folder, from a pool: one stream per session, never
// touched by anything else; the API bounds how many run at once (api/export-gate.ts).
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { ApiError } from '../errors.js';
import { QUERY_SETTINGS, type QueryParams, type SqlEngine } from './engine.js';
import { OpQueue } from './op-queue.js';

import type * as ChdbTypes from 'chdb';

type ChdbModule = typeof ChdbTypes;
type ChdbSession = InstanceType<ChdbModule['Session']>;

const SETTINGS_SQL = Object.entries(QUERY_SETTINGS).map(([k, v]) => `${k} = ${typeof v === 'number' ? v : `'${v}'`}`).join(', ');

function withSettings(sql: string): string {
  return `${sql.trimEnd().replace(/;$/, '')} SETTINGS ${SETTINGS_SQL}`;
}

function parseRows<T>(text: string): T[] {
  const rows: T[] = [];
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    if (end > start) rows.push(JSON.parse(text.slice(start, end)) as T);
    start = end + 1;
  }
  return rows;
}

export class ChdbEngine implements SqlEngine {
  readonly kind = 'embedded' as const;
  readonly path: string;
  #session: ChdbSession | undefined;
  /** Reads before writes, one at a time (chDB serializes a session's operations anyway). */
  readonly #queue = new OpQueue();
  readonly #chdb: ChdbModule;
  /** Stream sessions not in use, and the ones streaming now. */
  readonly #idleStreamSessions: ChdbSession[] = [];
  readonly #busyStreamSessions = new Set<ChdbSession>();

  private constructor(path: string, session: ChdbSession, chdb: ChdbModule) {
    this.path = path;
    this.#session = session;
    this.#chdb = chdb;
  }

  /** Sessions open for streams (idle or streaming). */
  get streamSessions(): number {
    return this.#idleStreamSessions.length + this.#busyStreamSessions.size;
  }

  /** Opens (creating) the data folder. Throws ApiError FLEETLOG_ERR_STORE_LOCKED when another process has it. */
  static async open(path: string): Promise<ChdbEngine> {
    const absolute = resolve(path);
    mkdirSync(absolute, { recursive: true });
    let chdb: ChdbModule;
    try {
      chdb = await import('chdb');
    } catch (error) {
      throw new ApiError('FLEETLOG_ERR_STORE', 'the embedded store needs the optional dependency chdb (npm install chdb)', { cause: error });
    }
    try {
      return new ChdbEngine(absolute, new chdb.Session(absolute), chdb);
    } catch (error) {
      const text = `${String((error as Error).message)} ${String(((error as Error).cause as Error | undefined)?.message ?? '')}`;
      if (/lock|already|in use/i.test(text) || (error as { code?: string }).code === 'CHDB_CONNECTION') {
        throw new ApiError('FLEETLOG_ERR_STORE_LOCKED', `the embedded store ${absolute} is in use by another process (a running backend?); stop it or use its HTTP API`, { cause: error });
      }
      throw new ApiError('FLEETLOG_ERR_STORE', `cannot open the embedded store ${absolute}: ${(error as Error).message}`, { cause: error });
    }
  }

  #open(): ChdbSession {
    if (!this.#session) throw new ApiError('FLEETLOG_ERR_STORE', 'the store is closed');
    return this.#session;
  }

  async query<T>(sql: string, params: QueryParams = {}): Promise<T[]> {
    const result = await this.#queue.run('read', () => this.#open().queryBindAsync(withSettings(sql), params, { format: 'JSONEachRow' }));
    return parseRows<T>(result.text());
  }

  async command(sql: string, params: QueryParams = {}): Promise<void> {
    await this.#queue.run('read', () => this.#open().queryBindAsync(sql, params, { format: 'JSONEachRow' }));
  }

  async insertJsonRows(table: string, columns: readonly string[], rows: Buffer, settings: Readonly<Record<string, string | number>> = {}): Promise<void> {
    await this.#queue.run('write', () => this.#open().insert({ table, columns, values: rows, format: 'JSONCompactEachRow', settings: { ...settings } }));
  }

  async *streamRaw(sql: string, params: QueryParams, format: 'JSONEachRow' | 'CSV', signal?: AbortSignal): AsyncIterable<Uint8Array> {
    this.#open();
    // Same folder, own connection: shares the data with the main session, runs beside it.
    const session = this.#idleStreamSessions.pop() ?? new this.#chdb.Session(this.path);
    this.#busyStreamSessions.add(session);
    let failed = false;
    try {
      const stream = session.queryStreamBind(withSettings(sql), params, { format, ...(signal ? { signal } : {}) });
      try {
        for await (const chunk of stream) {
          if (signal?.aborted) break;
          yield chunk.raw();
        }
      } finally {
        // Reached only between fetches (a generator is returned while suspended at yield), so the cancel is
        // immediate and the session is free for the next stream.
        if (!stream.closed) stream.cancel();
      }
    } catch (error) {
      failed = true;
      throw error;
    } finally {
      this.#busyStreamSessions.delete(session);
      // A session whose stream failed is not reused (its connection's state is unknown).
      if (!failed && this.#session) this.#idleStreamSessions.push(session);
      else session.close();
    }
  }

  async close(): Promise<void> {
    const session = this.#session;
    this.#session = undefined;
    if (!session) return;
    for (const streamSession of [...this.#idleStreamSessions, ...this.#busyStreamSessions]) streamSession.close();
    this.#idleStreamSessions.length = 0;
    this.#busyStreamSessions.clear();
    session.close();
    const { drainPending } = await import('chdb');
    await drainPending();
  }
}

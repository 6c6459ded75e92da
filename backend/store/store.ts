// The store: one interface over either engine (embedded chDB or ClickHouse over HTTP), the same DDL and SQL.
// Reads of `logs` use FINAL, so a record stored twice (a re-sent batch) is returned once — exact, not eventual.
import { ApiError } from '../errors.js';
import { ClampedTimes } from './clamped-times.js';
import type { SqlEngine } from './engine.js';
import { filterSql, type LogCursor, type LogFilter } from './log-filter.js';
import { CSV_EXPORT_COLUMNS, LOG_INSERT_COLUMNS, STORED_LOG_COLUMNS, STORED_LOG_FIELDS, STORED_LOG_NAMES, encodeRow, type LogRowInsert, type StoredLog } from './log-row.js';
import { migrate, type MigrateResult } from './migrate.js';
import type { DdlContext } from './migrations.js';

/** ClickHouse refuses inserts touching more partitions than this (max_partitions_per_insert_block). */
export const MAX_PARTITIONS_PER_INSERT = 100;
const DAY_SECONDS = 86_400;
// prefer_column_name_to_alias: WHERE means the columns, not the formatted output aliases of the same name.
const FINAL_SETTINGS = 'SETTINGS do_not_merge_across_partitions_select_final = 1, prefer_column_name_to_alias = 1';

export interface MachineRecord {
  machine_id: string;
  name: string;
  site: string;
  location: string;
  created_at: string;
}

export interface MachineActivity extends MachineRecord {
  /** 1 when the machine is in the registry, 0 when it was only seen in logs. */
  registered: number;
  last_seen_ms: string;
  last_event_ms: string;
  last_heartbeat_ms: string;
  errors_1h: string;
  criticals_1h: string;
  errors_24h: string;
  criticals_24h: string;
}

export interface KeyRow {
  key_id: string;
  key_hash: string;
  machine_id: string;
  site: string;
  created_at: string;
  revoked_at_ms: string;
}

/** A page of logs, newest first, and the sort key of its last row (for the next cursor). */
export interface LogPage {
  rows: StoredLog[];
  last: { tsNs: string; machineId: string; key: string } | undefined;
}

type RawStoredLog = StoredLog & { _key: string };

export class Store {
  readonly engine: SqlEngine;
  readonly db: string;
  readonly #ctx: DdlContext;
  readonly #clampedTimes: ClampedTimes;
  #closed = false;

  constructor(engine: SqlEngine, ctx: DdlContext) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(ctx.db)) throw new ApiError('FLEETLOG_ERR_STORE', `invalid database name '${ctx.db}'`);
    this.engine = engine;
    this.db = ctx.db;
    this.#ctx = ctx;
    this.#clampedTimes = new ClampedTimes(engine, ctx.db);
  }

  migrate(): Promise<MigrateResult> {
    return migrate(this.engine, this.#ctx);
  }

  /**
   * Inserts rows; a set spanning more than 100 day partitions is split into several inserts. JSONCompactEachRow
   * (half the bytes of JSONEachRow) without optimize_on_insert (the block is not de-duplicated at insert; FINAL
   * does it at read, merges on disk): measured 25 % less engine time per row (docs/benchmarks.md). Rows whose
   * future time was clamped get the time their record's first copy was stored with (clamped-times.ts).
   */
  async insertLogRows(rows: readonly LogRowInsert[]): Promise<void> {
    // A clamped future time becomes the one its record's first copy got, so a re-send is stored once.
    const resolved = await this.#clampedTimes.resolve(rows);
    for (const chunk of splitByPartitions(resolved, MAX_PARTITIONS_PER_INSERT)) {
      let text = '';
      for (const row of chunk) text += `${encodeRow(row)}\n`;
      await this.engine.insertJsonRows(`${this.db}.logs`, LOG_INSERT_COLUMNS, Buffer.from(text), { optimize_on_insert: 0 });
    }
  }

  async queryLogs(filter: LogFilter, limit: number, cursor?: LogCursor): Promise<LogPage> {
    const { where, params } = filterSql(filter, cursor);
    const raw = await this.engine.query<RawStoredLog>(
      `SELECT ${STORED_LOG_COLUMNS}
FROM ${this.db}.logs FINAL
WHERE ${where}
ORDER BY ts DESC, machine_id DESC, record_key DESC
LIMIT {limit:UInt32}
${FINAL_SETTINGS}`, { ...params, limit });
    const lastRaw = raw.at(-1);
    return {
      rows: raw.map(stripKey),
      last: lastRaw ? { tsNs: lastRaw.time_unix_nano, machineId: lastRaw.machine_id, key: lastRaw._key } : undefined,
    };
  }

  /**
   * Every matching row, newest first, as NDJSON (StoredLog objects) or CSV (CSV_EXPORT_COLUMNS, no header, CRLF),
   * formatted by the engine and streamed as bytes in small blocks, one day partition at a time (newest first): the
   * engine sorts one day at most, JS never parses a row — memory stays flat whatever the result size.
   */
  async *exportLogs(filter: LogFilter, format: 'ndjson' | 'csv', signal?: AbortSignal): AsyncIterable<Uint8Array> {
    const outer = format === 'ndjson'
      ? STORED_LOG_NAMES.join(', ')
      : CSV_EXPORT_COLUMNS.map((c) => (c === 'attributes' ? 'attributes_json AS attributes' : c)).join(', ');
    const days = await this.engine.query<{ id: string }>(
      `SELECT DISTINCT partition_id AS id FROM system.parts WHERE database = {db:String} AND table = 'logs' AND active ORDER BY id DESC`,
      { db: this.db });
    const from = filter.fromNs === undefined ? undefined : BigInt(filter.fromNs);
    const to = filter.toNs === undefined ? undefined : BigInt(filter.toNs);
    for (const { id } of days) {
      if (signal?.aborted) return;
      const dayStartMs = Date.UTC(Number(id.slice(0, 4)), Number(id.slice(4, 6)) - 1, Number(id.slice(6, 8)));
      if (Number.isNaN(dayStartMs)) continue;
      let windowFrom = BigInt(dayStartMs) * 1_000_000n;
      let windowTo = windowFrom + 86_400_000_000_000n;
      if (from !== undefined && from > windowFrom) windowFrom = from;
      if (to !== undefined && to < windowTo) windowTo = to;
      if (windowFrom >= windowTo) continue;
      const { where, params } = filterSql({ ...filter, fromNs: windowFrom.toString(), toNs: windowTo.toString() });
      const sql = `SELECT ${outer} FROM (
SELECT ${STORED_LOG_FIELDS}, toJSONString(attributes) AS attributes_json, ts AS _ts, record_key AS _rk
FROM ${this.db}.logs FINAL
WHERE ${where}
ORDER BY _ts DESC, machine_id DESC, _rk DESC
)
${FINAL_SETTINGS}, max_block_size = 4096, max_bytes_before_external_sort = 67108864, output_format_csv_crlf_end_of_line = 1`;
      yield* this.engine.streamRaw(sql, params, format === 'ndjson' ? 'JSONEachRow' : 'CSV', signal);
    }
  }

  async countLogs(filter: LogFilter = {}): Promise<number> {
    const { where, params } = filterSql(filter);
    const rows = await this.engine.query<{ n: string }>(`SELECT count() AS n FROM ${this.db}.logs FINAL WHERE ${where} ${FINAL_SETTINGS}`, params);
    return Number(rows[0]?.n ?? 0);
  }

  async upsertMachine(m: { machineId: string; name?: string; site?: string; location?: string }): Promise<void> {
    const existing = await this.machine(m.machineId);
    await this.engine.command(
      `INSERT INTO ${this.db}.machines (machine_id, name, site, location, created_at, updated_at)
VALUES ({id:String}, {name:String}, {site:String}, {location:String}, fromUnixTimestamp64Milli({created:Int64}), now64(3))`,
      {
        id: m.machineId,
        name: m.name ?? existing?.name ?? m.machineId,
        site: m.site ?? existing?.site ?? '',
        location: m.location ?? existing?.location ?? '',
        created: existing ? Date.parse(existing.created_at) : Date.now(),
      });
  }

  async machine(machineId: string): Promise<MachineRecord | undefined> {
    const rows = await this.engine.query<MachineRecord>(
      `SELECT machine_id, name, site, location, formatDateTime(created_at, '%Y-%m-%dT%H:%i:%S.%fZ') AS created_at
FROM ${this.db}.machines FINAL WHERE machine_id = {id:String} AND is_deleted = 0`, { id: machineId });
    return rows[0];
  }

  /**
   * The registry joined with last seen / heartbeat and error counts; machines that sent records without being in
   * the registry (e.g. through the ePort path) are listed too, with `registered` 0. One machine when `machineId` is given.
   */
  async machineActivity(nowMs: number, machineId?: string): Promise<MachineActivity[]> {
    const only = machineId === undefined ? '' : 'AND machine_id = {id:String}';
    return this.engine.query<MachineActivity>(
      `SELECT ids.machine_id AS machine_id, m.name AS name, m.site AS site, m.location AS location, m.registered AS registered,
       if(m.registered = 1, formatDateTime(m.created_at, '%Y-%m-%dT%H:%i:%S.%fZ'), '') AS created_at,
       toString(toUnixTimestamp64Milli(a.last_received_at)) AS last_seen_ms,
       toString(intDiv(toUnixTimestamp64Nano(a.last_event_at), 1000000)) AS last_event_ms,
       toString(toUnixTimestamp64Milli(a.last_heartbeat_at)) AS last_heartbeat_ms,
       toString(c.errors_1h) AS errors_1h, toString(c.criticals_1h) AS criticals_1h,
       toString(c.errors_24h) AS errors_24h, toString(c.criticals_24h) AS criticals_24h
FROM (SELECT DISTINCT machine_id FROM (
        SELECT machine_id FROM ${this.db}.machines FINAL WHERE is_deleted = 0 ${only}
        UNION ALL
        SELECT machine_id FROM ${this.db}.machine_activity WHERE 1 ${only})) AS ids
LEFT JOIN (SELECT machine_id, name, site, location, created_at, toUInt8(1) AS registered
           FROM ${this.db}.machines FINAL WHERE is_deleted = 0 ${only}) AS m ON m.machine_id = ids.machine_id
LEFT JOIN (SELECT machine_id, max(last_received_at) AS last_received_at, max(last_event_at) AS last_event_at,
                  max(last_heartbeat_at) AS last_heartbeat_at
           FROM ${this.db}.machine_activity WHERE 1 ${only} GROUP BY machine_id) AS a ON a.machine_id = ids.machine_id
LEFT JOIN (SELECT machine_id,
                  uniqExactMergeIf(errors, minute >= toStartOfMinute(fromUnixTimestamp64Milli({now:Int64}) - INTERVAL 1 HOUR)) AS errors_1h,
                  uniqExactMergeIf(criticals, minute >= toStartOfMinute(fromUnixTimestamp64Milli({now:Int64}) - INTERVAL 1 HOUR)) AS criticals_1h,
                  uniqExactMerge(errors) AS errors_24h, uniqExactMerge(criticals) AS criticals_24h
           FROM ${this.db}.machine_errors_1m
           WHERE minute >= toStartOfMinute(fromUnixTimestamp64Milli({now:Int64}) - INTERVAL 24 HOUR) ${only}
           GROUP BY machine_id) AS c ON c.machine_id = ids.machine_id
ORDER BY machine_id
SETTINGS join_use_nulls = 0`, { now: nowMs, ...(machineId === undefined ? {} : { id: machineId }) });
  }

  async insertKey(key: { keyId: string; keyHash: string; machineId: string; site: string }): Promise<void> {
    await this.engine.command(
      `INSERT INTO ${this.db}.api_keys (key_id, key_hash, machine_id, site, created_at, revoked_at, updated_at)
VALUES ({id:String}, {hash:String}, {machine:String}, {site:String}, now64(3), 0, now64(3))`,
      { id: key.keyId, hash: key.keyHash, machine: key.machineId, site: key.site });
  }

  async keys(filter: { keyId?: string; machineId?: string; activeOnly?: boolean } = {}): Promise<KeyRow[]> {
    const where: string[] = [];
    const params: Record<string, string> = {};
    if (filter.keyId !== undefined) { where.push('key_id = {id:String}'); params.id = filter.keyId; }
    if (filter.machineId !== undefined) { where.push('machine_id = {machine:String}'); params.machine = filter.machineId; }
    if (filter.activeOnly) where.push('revoked_at = 0');
    return this.engine.query<KeyRow>(
      `SELECT key_id, key_hash, machine_id, site, formatDateTime(created_at, '%Y-%m-%dT%H:%i:%S.%fZ') AS created_at,
       toString(toUnixTimestamp64Milli(revoked_at)) AS revoked_at_ms
FROM ${this.db}.api_keys FINAL ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
ORDER BY machine_id, created_at`, params);
  }

  /** Marks a key revoked (a newer version of its row). Returns false when there is no such key. */
  async revokeKey(keyId: string): Promise<boolean> {
    const [key] = await this.keys({ keyId });
    if (!key) return false;
    if (key.revoked_at_ms !== '0') return true;
    await this.engine.command(
      `INSERT INTO ${this.db}.api_keys (key_id, key_hash, machine_id, site, created_at, revoked_at, updated_at)
SELECT key_id, key_hash, machine_id, site, created_at, now64(3), now64(3) FROM ${this.db}.api_keys FINAL WHERE key_id = {id:String}`,
      { id: keyId });
    return true;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.engine.close();
  }
}

function stripKey(row: RawStoredLog): StoredLog {
  const { _key: _ignored, ...rest } = row;
  return rest;
}

/** Groups rows into chunks touching at most `maxPartitions` distinct days each (rows keep their order within a day). */
export function splitByPartitions(rows: readonly LogRowInsert[], maxPartitions: number): LogRowInsert[][] {
  const byDay = new Map<number, LogRowInsert[]>();
  for (const row of rows) {
    const day = Math.floor(Number(row.ts.slice(0, row.ts.indexOf('.'))) / DAY_SECONDS);
    let list = byDay.get(day);
    if (!list) byDay.set(day, (list = []));
    list.push(row);
  }
  const chunks: LogRowInsert[][] = [];
  let current: LogRowInsert[] = [];
  let days = 0;
  for (const list of byDay.values()) {
    if (days === maxPartitions) {
      chunks.push(current);
      current = [];
      days = 0;
    }
    for (const row of list) current.push(row);
    days += 1;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

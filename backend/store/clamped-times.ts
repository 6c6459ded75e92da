// A record whose time was too far in the future is stored at its receive time (to-log-row.ts). A re-send arrives
// at another receive time, and `logs` de-duplicates on (machine, time, record key): without help the same record
// would be stored twice. So the first clamped time of each record is kept in `<db>.clamped_times`, keyed by machine
// and record identity (the record id, else a hash of its content and original time), and every later copy is
// stored exactly as the first one was (same time, flag and original-time attribute) — also a copy that arrives
// when its time is no longer in the future — so the copies collapse like any re-sent record.
// Cost: only inserts holding clamped rows, or rows of a machine that had clamped rows whose time lies in the range
// of that machine's clamped records, do one lookup (and one small insert for new clamped records). Resolution runs
// one insert at a time in this process, so two inserts holding the same new record agree on its time (several
// backend processes on one ClickHouse server can still race; docs/sql.md).
import { createHash } from 'node:crypto';
import { ATTR_ORIGINAL_TIME } from '../ingest/to-log-row.js';
import type { SqlEngine } from './engine.js';
import { CLOCK_FLAG_CLAMPED_FUTURE, nanosToSecondsText, type LogRowInsert } from './log-row.js';

export const CLAMPED_TIMES_COLUMNS = ['machine_id', 'record_ident', 'ts', 'original_ts', 'received_at'] as const;

/** Per machine: the earliest clamped time and the latest original time of its clamped records. */
interface MachineRange {
  minTsNs: bigint;
  maxOriginalNs: bigint;
}

function isClamped(row: LogRowInsert): boolean {
  return (row.clock_flags & CLOCK_FLAG_CLAMPED_FUTURE) !== 0;
}

/** `seconds.nanoseconds` → Unix nanoseconds. */
function tsNanos(ts: string): bigint {
  const dot = ts.indexOf('.');
  return dot === -1 ? BigInt(ts) * 1_000_000_000n : BigInt(ts.slice(0, dot)) * 1_000_000_000n + BigInt(ts.slice(dot + 1).padEnd(9, '0').slice(0, 9));
}

/** The record's original time (Unix ns, decimal): the kept attribute of a clamped row, else its time. */
export function originalNanos(row: LogRowInsert): string {
  return isClamped(row) ? (row.attributes[ATTR_ORIGINAL_TIME] ?? tsNanos(row.ts).toString()) : tsNanos(row.ts).toString();
}

/** The identity of a record for its clamped time: its record id, else a hash of its content and original time. */
export function recordIdent(row: LogRowInsert): string {
  if (row.record_id !== '') return `id:${row.record_id}`;
  const { [ATTR_ORIGINAL_TIME]: _kept, ...attributes } = row.attributes;
  const content = JSON.stringify([originalNanos(row), row.severity_number, row.body, attributes, row.trace_id, row.span_id]);
  return `content:${createHash('sha256').update(content).digest('base64url')}`;
}

export class ClampedTimes {
  readonly #engine: SqlEngine;
  readonly #table: string;
  #tail: Promise<unknown> = Promise.resolve();
  /** Loaded from the table at the first resolve, then kept up to date by this process. */
  #ranges: Map<string, MachineRange> | undefined;

  constructor(engine: SqlEngine, db: string) {
    this.#engine = engine;
    this.#table = `${db}.clamped_times`;
  }

  /** The rows, each copy of a clamped record stored exactly as its first copy was. */
  resolve(rows: readonly LogRowInsert[]): Promise<readonly LogRowInsert[]> {
    if (this.#ranges !== undefined && !rows.some((r) => isClamped(r) || this.#maybeClamped(r))) return Promise.resolve(rows);
    // Widen the ranges now, so that an insert resolved meanwhile looks its copies up (and waits for this one).
    for (const row of rows) if (isClamped(row)) this.#widen(row.machine_id, tsNanos(row.ts), BigInt(originalNanos(row)));
    const run = this.#tail.then(() => this.#resolve(rows));
    this.#tail = run.catch(() => undefined);
    return run;
  }

  /** Could this unclamped row be a later copy of a clamped record? (Its time lies in its machine's range.) */
  #maybeClamped(row: LogRowInsert): boolean {
    const range = this.#ranges?.get(row.machine_id);
    if (!range) return false;
    const ns = tsNanos(row.ts);
    return ns > range.minTsNs && ns <= range.maxOriginalNs;
  }

  #widen(machineId: string, tsNs: bigint, originalNs: bigint): void {
    if (!this.#ranges) return;
    const range = this.#ranges.get(machineId);
    if (!range) this.#ranges.set(machineId, { minTsNs: tsNs, maxOriginalNs: originalNs });
    else {
      if (tsNs < range.minTsNs) range.minTsNs = tsNs;
      if (originalNs > range.maxOriginalNs) range.maxOriginalNs = originalNs;
    }
  }

  async #loadRanges(): Promise<void> {
    const rows = await this.#engine.query<{ machine_id: string; min_ts: string; max_original: string }>(
      `SELECT machine_id, toString(toUnixTimestamp64Nano(min(ts))) AS min_ts, toString(toUnixTimestamp64Nano(max(original_ts))) AS max_original
FROM ${this.#table} GROUP BY machine_id`);
    this.#ranges = new Map(rows.map((r) => [r.machine_id, { minTsNs: BigInt(r.min_ts), maxOriginalNs: BigInt(r.max_original) }]));
  }

  async #resolve(rows: readonly LogRowInsert[]): Promise<readonly LogRowInsert[]> {
    if (!this.#ranges) {
      await this.#loadRanges();
      for (const row of rows) if (isClamped(row)) this.#widen(row.machine_id, tsNanos(row.ts), BigInt(originalNanos(row)));
    }
    // machine → identity → time (seconds.nanoseconds) every copy is stored with
    const times = new Map<string, Map<string, string>>();
    for (const row of rows) {
      if (!isClamped(row) && !this.#maybeClamped(row)) continue;
      let byIdent = times.get(row.machine_id);
      if (!byIdent) times.set(row.machine_id, (byIdent = new Map()));
      byIdent.set(recordIdent(row), '');
    }
    for (const [machineId, byIdent] of times) {
      const known = await this.#engine.query<{ ident: string; ts_ns: string }>(
        `SELECT record_ident AS ident, toString(toUnixTimestamp64Nano(argMin(ts, received_at))) AS ts_ns
FROM ${this.#table}
WHERE machine_id = {machine:String} AND has(JSONExtract({idents:String}, 'Array(String)'), record_ident)
GROUP BY record_ident`, { machine: machineId, idents: JSON.stringify([...byIdent.keys()]) });
      for (const { ident, ts_ns: tsNs } of known) byIdent.set(ident, nanosToSecondsText(tsNs));
    }
    const fresh: string[] = [];
    const out = rows.map((row) => {
      const byIdent = times.get(row.machine_id);
      if (!byIdent || (!isClamped(row) && !this.#maybeClamped(row))) return row;
      const ident = recordIdent(row);
      const ts = byIdent.get(ident);
      if (!ts) {
        if (!isClamped(row)) return row; // not a copy of a clamped record
        // The first copy: its time is the one every later copy gets.
        byIdent.set(ident, row.ts);
        fresh.push(JSON.stringify([row.machine_id, ident, row.ts, nanosToSecondsText(originalNanos(row)), row.received_at]));
        return row;
      }
      if (isClamped(row)) return ts === row.ts ? row : { ...row, ts };
      // A copy that is not (or no longer) in the future: stored as the first copy was.
      return { ...row, ts, clock_flags: row.clock_flags | CLOCK_FLAG_CLAMPED_FUTURE, attributes: { ...row.attributes, [ATTR_ORIGINAL_TIME]: originalNanos(row) } };
    });
    if (fresh.length > 0) {
      await this.#engine.insertJsonRows(this.#table, CLAMPED_TIMES_COLUMNS, Buffer.from(`${fresh.join('\n')}\n`));
    }
    return out;
  }
}

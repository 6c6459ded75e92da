// Filters of the read API and the SQL WHERE they become (the same SQL on both engines, values bound as parameters).
export interface LogFilter {
  readonly machineId?: string;
  readonly site?: string;
  /** Minimum severity number (e.g. 13 = WARN and above). */
  readonly minSeverity?: number;
  readonly component?: string;
  /** Inclusive lower bound, Unix nanoseconds. */
  readonly fromNs?: string;
  /** Exclusive upper bound, Unix nanoseconds. */
  readonly toNs?: string;
  /** Full-text words: every word must occur in the body as a whole token, case-insensitive. */
  readonly words?: readonly string[];
}

/** Where a page ends: the last row's sort key, and the snapshot the first page was read at. */
export interface LogCursor {
  readonly tsNs: string;
  readonly machineId: string;
  readonly key: string;
  /** Rows received after this instant (Unix ms) are not part of the pagination. */
  readonly asOfMs: number;
}

/** Splits search text into the tokens the body index knows (runs of letters and digits), lower-cased. */
export function searchWords(text: string): string[] {
  return text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 0).slice(0, 16);
}

export function filterSql(filter: LogFilter, cursor?: LogCursor): { where: string; params: Record<string, string | number> } {
  const parts: string[] = [];
  const params: Record<string, string | number> = {};
  if (filter.machineId !== undefined) { parts.push('machine_id = {machine_id:String}'); params.machine_id = filter.machineId; }
  if (filter.site !== undefined) { parts.push('site = {site:String}'); params.site = filter.site; }
  if (filter.minSeverity !== undefined) { parts.push('severity_number >= {min_severity:UInt8}'); params.min_severity = filter.minSeverity; }
  if (filter.component !== undefined) { parts.push('component = {component:String}'); params.component = filter.component; }
  if (filter.fromNs !== undefined) { parts.push('ts >= fromUnixTimestamp64Nano({from_ns:Int64})'); params.from_ns = filter.fromNs; }
  if (filter.toNs !== undefined) { parts.push('ts < fromUnixTimestamp64Nano({to_ns:Int64})'); params.to_ns = filter.toNs; }
  (filter.words ?? []).forEach((word, i) => {
    parts.push(`hasToken(lower(body), {w${i}:String})`);
    params[`w${i}`] = word;
  });
  if (cursor) {
    parts.push('received_at <= fromUnixTimestamp64Milli({as_of_ms:Int64})');
    params.as_of_ms = cursor.asOfMs;
    parts.push('ts <= fromUnixTimestamp64Nano({c_ts:Int64})');
    parts.push('(ts, machine_id, record_key) < (fromUnixTimestamp64Nano({c_ts:Int64}), {c_machine:String}, {c_key:UInt64})');
    params.c_ts = cursor.tsNs;
    params.c_machine = cursor.machineId;
    params.c_key = cursor.key;
  }
  return { where: parts.length > 0 ? parts.join('\n  AND ') : '1', params };
}

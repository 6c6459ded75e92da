// The shape of one row of `<db>.logs` as inserted (JSONEachRow) and as read back by the API.

/** The columns a row has alike as inserted and as read back. */
interface LogRowColumns {
  machine_id: string;
  site: string;
  component: string;
  source: string;
  severity_number: number;
  severity_text: string;
  event_name: string;
  body: string;
  attributes: Record<string, string>;
  resource: Record<string, string>;
  record_id: string;
  boot_id: string;
  trace_id: string;
  span_id: string;
  clock_flags: number;
}

/** A row as inserted. `ts` is `seconds.nanoseconds` (exact for DateTime64(9)); `received_at` is Unix ms. */
export interface LogRowInsert extends LogRowColumns {
  ts: string;
  received_at: number;
  seq: number;
}

/** The inserted columns, in the order encodeRow writes them. */
export const LOG_INSERT_COLUMNS = ['ts', 'received_at', 'machine_id', 'site', 'component', 'source', 'severity_number', 'severity_text',
  'event_name', 'body', 'attributes', 'resource', 'record_id', 'boot_id', 'seq', 'trace_id', 'span_id', 'clock_flags'] as const;

/** One row as a JSONCompactEachRow line (without the newline). */
export function encodeRow(r: LogRowInsert): string {
  return JSON.stringify([r.ts, r.received_at, r.machine_id, r.site, r.component, r.source, r.severity_number, r.severity_text,
    r.event_name, r.body, r.attributes, r.resource, r.record_id, r.boot_id, r.seq, r.trace_id, r.span_id, r.clock_flags]);
}

/** clock_flags bits. */
export const CLOCK_FLAG_CLAMPED_FUTURE = 1;
export const CLOCK_FLAG_NO_TIMESTAMP = 2;

/** A row as the read API returns it: times as ISO text (and `time_unix_nano`), `level` from the severity, `seq` as text. */
export interface StoredLog extends LogRowColumns {
  time: string;
  time_unix_nano: string;
  received_at: string;
  level: string;
  seq: string;
}

/** The SELECT list that produces StoredLog, exactly (exports stream it as JSONEachRow without parsing). */
export const STORED_LOG_FIELDS = `
  concat(formatDateTime(ts, '%Y-%m-%dT%H:%i:%S'), '.', leftPad(toString(toUnixTimestamp64Nano(ts) % 1000000000), 9, '0'), 'Z') AS time,
  toString(toUnixTimestamp64Nano(ts)) AS time_unix_nano,
  formatDateTime(received_at, '%Y-%m-%dT%H:%i:%S.%fZ') AS received_at,
  machine_id, site, component, source, severity_number, severity_text,
  multiIf(severity_number = 0, '', severity_number < 9, 'DEBUG', severity_number < 13, 'INFO',
          severity_number < 17, 'WARN', severity_number < 21, 'ERROR', 'CRITICAL') AS level,
  event_name, body, attributes, resource, record_id, boot_id, toString(seq) AS seq, trace_id, span_id, clock_flags`;

/** The names STORED_LOG_FIELDS produces, in order. */
export const STORED_LOG_NAMES = ['time', 'time_unix_nano', 'received_at', 'machine_id', 'site', 'component', 'source', 'severity_number',
  'severity_text', 'level', 'event_name', 'body', 'attributes', 'resource', 'record_id', 'boot_id', 'seq', 'trace_id', 'span_id', 'clock_flags'] as const;

/** STORED_LOG_FIELDS plus the cursor column `_key`. */
export const STORED_LOG_COLUMNS = `${STORED_LOG_FIELDS},
  toString(record_key) AS _key`;

/** The CSV export's columns, in order (attributes as JSON). */
export const CSV_EXPORT_COLUMNS = ['time', 'machine_id', 'site', 'level', 'severity_number', 'component', 'event_name', 'body', 'attributes', 'record_id', 'boot_id', 'source', 'received_at'] as const;

/** Unix nanoseconds (decimal string) → `seconds.nanoseconds` for a DateTime64(9) insert. */
export function nanosToSecondsText(unixNano: string): string {
  const digits = unixNano.replace(/^0+/, '') || '0';
  const sec = digits.length > 9 ? digits.slice(0, -9) : '0';
  const frac = digits.slice(-9).padStart(9, '0');
  return `${sec}.${frac}`;
}

// A LogRecord in a queue frame: a JSON array in field order, so the keys are not repeated on disk for every record
// (about a third of a typical record's JSON object). Trailing absent optional fields are left out.
import type { AttributeValue, Attributes, LogRecord } from '../component/log-record.js';

type Packed = [string, string, number, string, AttributeValue, Attributes, ...(string | number | null)[]];

const OPTIONAL = ['recordId', 'bootId', 'traceId', 'spanId', 'flags', 'eventName'] as const;

export function encodeRecordJson(r: LogRecord): string {
  const packed: unknown[] = [r.timeUnixNano, r.observedTimeUnixNano, r.severityNumber, r.severityText, r.body, r.attributes];
  let last = -1;
  OPTIONAL.forEach((key, i) => {
    if (r[key] !== undefined) last = i;
  });
  for (let i = 0; i <= last; i += 1) packed.push(r[OPTIONAL[i]!] ?? null);
  return JSON.stringify(packed);
}

/** The record of a frame's JSON; throws on JSON that is not a packed record. */
export function decodeRecordJson(json: string): LogRecord {
  const p = JSON.parse(json) as Packed;
  if (!Array.isArray(p) || p.length < 6) throw new Error('not a packed record');
  const record: LogRecord = {
    timeUnixNano: p[0], observedTimeUnixNano: p[1], severityNumber: p[2], severityText: p[3], body: p[4], attributes: p[5],
  };
  for (let i = 0; i < OPTIONAL.length; i += 1) {
    const value = p[6 + i];
    if (value !== undefined && value !== null) (record as unknown as Record<string, unknown>)[OPTIONAL[i]!] = value;
  }
  return record;
}

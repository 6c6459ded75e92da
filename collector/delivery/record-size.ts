// A record's approximate size, for batch.max_bytes in direct mode and the memory queue's max_bytes: the length of
// its JSON as an object (JSON.stringify(record).length), estimated from its strings' lengths without building the
// JSON. Both limits are documented as approximate; this counts characters, not UTF-8 bytes, and not JSON escapes,
// so text outside ASCII (up to 3 bytes a character) or full of quotes and control characters is under-counted.
import type { AttributeValue, Attributes, LogRecord } from '../component/log-record.js';

/** Keys, quotes, colons and commas of the fields every record has (`{"timeUnixNano":"…",…,"attributes":{}}`). */
const RECORD_FIXED_BYTES = 105;
/** Per optional field present: its key, quotes, colon and comma (the longest key, `observedTimeUnixNano`-like). */
const OPTIONAL_FIELD_BYTES = 14;
/** Deeper values are not walked: a nested structure counts as this many bytes per level left unwalked. */
const MAX_DEPTH = 8;
const NUMBER_BYTES = 12;

function valueBytes(value: AttributeValue | undefined, depth: number): number {
  if (typeof value === 'string') return value.length + 2;
  if (typeof value === 'number') return NUMBER_BYTES;
  if (typeof value === 'boolean') return 5;
  if (value === null || value === undefined) return 4;
  if (depth >= MAX_DEPTH) return 2;
  if (Array.isArray(value)) {
    let bytes = 2;
    for (const item of value as readonly AttributeValue[]) bytes += valueBytes(item, depth + 1) + 1;
    return bytes;
  }
  return attributesBytes(value as Attributes, depth + 1);
}

function attributesBytes(attributes: Attributes, depth: number): number {
  let bytes = 2;
  for (const key in attributes) bytes += key.length + 4 + valueBytes(attributes[key], depth);
  return bytes;
}

/** About JSON.stringify(record).length, without building it. */
export function approxRecordBytes(r: LogRecord): number {
  let bytes = RECORD_FIXED_BYTES + r.timeUnixNano.length + r.observedTimeUnixNano.length + r.severityText.length
    + valueBytes(r.body, 0) + attributesBytes(r.attributes, 0);
  if (r.recordId !== undefined) bytes += OPTIONAL_FIELD_BYTES + r.recordId.length;
  if (r.bootId !== undefined) bytes += OPTIONAL_FIELD_BYTES + r.bootId.length;
  if (r.traceId !== undefined) bytes += OPTIONAL_FIELD_BYTES + r.traceId.length;
  if (r.spanId !== undefined) bytes += OPTIONAL_FIELD_BYTES + r.spanId.length;
  if (r.flags !== undefined) bytes += OPTIONAL_FIELD_BYTES + NUMBER_BYTES;
  if (r.eventName !== undefined) bytes += OPTIONAL_FIELD_BYTES + r.eventName.length;
  return bytes;
}

// One record as one JSON line: the PRD's field names first (timestamp, machine_id, level, component, message,
// context), then the OpenTelemetry fields, so that a technician can read it and a tool can re-import it exactly.
// The line is written as UTF-8 bytes straight into a JsonBytes (no per-record object, no spread of the
// attributes, no line string) and is byte for byte JSON.stringify of the documented object plus a newline;
// record-json.test.ts checks that for arbitrary records.
import {
  JsonBytes, ATTRIBUTE_COMPONENT, LEVEL_NAMES, RESOURCE_DEVICE_ID, levelOfSeverity, unixNanoToMs,
  type Attributes, type LevelName, type LogRecord,
} from '../../../collector/component/index.js';
import { RepeatCache } from './repeat-cache.js';

let cachedSecond = Number.NaN;
let cachedPrefix = '';
let cachedPrefixBytes: Uint8Array = new Uint8Array(0);

/** Makes `2026-01-22T14:30:15.` of a Unix second the cached one (consecutive records share their second). */
function cacheSecond(second: number): void {
  if (second === cachedSecond) return;
  cachedSecond = second;
  cachedPrefix = new Date(second * 1000).toISOString().slice(0, -4);
  cachedPrefixBytes = Buffer.from(cachedPrefix);
}

/** ISO-8601 of a Unix-nano decimal string, or null for '0' / unparseable. The date part is cached per second. */
export function isoOfUnixNano(unixNano: string): string | null {
  if (unixNano === '0' || unixNano === '') return null;
  // Whole milliseconds from the digits (a float of the nanoseconds would round .999999 up).
  const ms = unixNano.length > 6 ? Number(unixNano.slice(0, -6)) : Math.floor(unixNanoToMs(unixNano));
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return null;
  const second = Math.floor(ms / 1000);
  cacheSecond(second);
  return `${cachedPrefix}${String(ms - second * 1000).padStart(3, '0')}Z`;
}

/** The record's attributes without `component` (the PRD's `context`). */
export function contextOf(attributes: Attributes): Attributes {
  if (!(ATTRIBUTE_COMPONENT in attributes)) return attributes;
  const { [ATTRIBUTE_COMPONENT]: _component, ...rest } = attributes;
  return rest;
}

/** What every line of a batch shares, encoded once per batch, and what the previous line's context was. */
export interface BatchJson {
  /** `,"machine_id":<device.id or null>` */
  machine: Uint8Array;
  /** `,"resource":<resource>}` and the newline */
  tail: Uint8Array;
  /** Where the previous line's string context entries are, to be copied when the next has the same. */
  context: RepeatCache;
}

export function batchJson(resource: Attributes): BatchJson {
  const machine = resource[RESOURCE_DEVICE_ID];
  return {
    machine: Buffer.from(`,"machine_id":${typeof machine === 'string' ? JSON.stringify(machine) : 'null'}`),
    tail: Buffer.from(`,"resource":${JSON.stringify(resource)}}\n`),
    context: new RepeatCache(),
  };
}

/** Field names and punctuation, encoded once. */
const bytesOf = (text: string): Uint8Array => Buffer.from(text);
const OPEN_TIMESTAMP = bytesOf('{"timestamp":');
const MESSAGE = bytesOf(',"message":');
const CONTEXT = bytesOf(',"context":{');
const TIME_UNIX_NANO = bytesOf(',"time_unix_nano":');
const OBSERVED_TIME_UNIX_NANO = bytesOf(',"observed_time_unix_nano":');
const SEVERITY_NUMBER = bytesOf(',"severity_number":');
const SEVERITY_TEXT = bytesOf(',"severity_text":');
const RECORD_ID = bytesOf(',"record_id":');
const BOOT_ID = bytesOf(',"boot_id":');
const TRACE_ID = bytesOf(',"trace_id":');
const SPAN_ID = bytesOf(',"span_id":');
const FLAGS = bytesOf(',"flags":');
const EVENT_NAME = bytesOf(',"event_name":');
const LEVEL_FIELDS = new Map<LevelName | undefined, Uint8Array>([
  ...LEVEL_NAMES.map((name): [LevelName, Uint8Array] => [name, bytesOf(`,"level":"${name}","component":`)]),
  [undefined, bytesOf(',"level":null,"component":')],
]);
const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;
const CLOSE_BRACE = 0x7d;

/**
 * The timestamp field's value when the text is plain digits of a time after 1970-01-01T00:00:01 (file_log's
 * records): written from the digits without a string; false, having written nothing, for anything else.
 */
function writeIsoFast(out: JsonBytes, unixNano: string): boolean {
  const digits = unixNano.length;
  if (digits < 10 || digits > 19) return false;
  let second = 0;
  let ms = 0;
  // The last six digits are below a millisecond: isoOfUnixNano ignores them, whatever they are.
  for (let i = 0; i < digits - 6; i += 1) {
    const d = unixNano.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (i < digits - 9) second = second * 10 + d;
    else ms = ms * 10 + d;
  }
  cacheSecond(second);
  out.byte(QUOTE);
  out.bytes(cachedPrefixBytes);
  if (ms < 100) out.byte(0x30);
  if (ms < 10) out.byte(0x30);
  out.number(ms);
  out.byte(0x5a); // Z
  out.byte(QUOTE);
  return true;
}

function writeTimestamp(out: JsonBytes, record: LogRecord): void {
  if (writeIsoFast(out, record.timeUnixNano)) return;
  const iso = isoOfUnixNano(record.timeUnixNano);
  if (iso !== null) out.string(iso);
  else if (!writeIsoFast(out, record.observedTimeUnixNano)) {
    const observed = isoOfUnixNano(record.observedTimeUnixNano);
    if (observed === null) out.raw('null');
    else out.string(observed);
  }
}

/** `<field><JSON of value>`, or nothing when the value is undefined (as JSON.stringify of an object leaves it out). */
function writeField(out: JsonBytes, field: Uint8Array, value: unknown): void {
  const mark = out.length;
  out.bytes(field);
  if (!out.value(value)) out.truncate(mark);
}

/** `,"context":{…}`: JSON.stringify(contextOf(attributes)) without the copy (own enumerable keys in their order). */
function writeContext(out: JsonBytes, attributes: Attributes, repeats: RepeatCache): void {
  out.bytes(CONTEXT);
  let first = true;
  for (const key in attributes) {
    if (key === ATTRIBUTE_COMPONENT || !Object.prototype.hasOwnProperty.call(attributes, key)) continue;
    const value = attributes[key];
    if (typeof value === 'string') {
      if (!first) out.byte(COMMA);
      repeats.write(out, key, value);
      first = false;
      continue;
    }
    const mark = out.length;
    if (!first) out.byte(COMMA);
    out.string(key);
    out.byte(COLON);
    if (out.value(value)) first = false;
    else out.truncate(mark);
  }
  out.byte(CLOSE_BRACE);
}

/**
 * One line (with its newline) appended to `out`: JSON.stringify of the object {timestamp, machine_id, level,
 * component, message, context, time_unix_nano, …, resource}, written without building that object.
 */
export function writeRecordJson(out: JsonBytes, record: LogRecord, batch: BatchJson): void {
  out.bytes(OPEN_TIMESTAMP);
  writeTimestamp(out, record);
  out.bytes(batch.machine);
  out.bytes(LEVEL_FIELDS.get(levelOfSeverity(record.severityNumber))!);
  const component = record.attributes[ATTRIBUTE_COMPONENT];
  if (typeof component === 'string') out.string(component);
  else out.raw('null');
  writeField(out, MESSAGE, record.body);
  writeContext(out, record.attributes, batch.context);
  writeField(out, TIME_UNIX_NANO, record.timeUnixNano);
  writeField(out, OBSERVED_TIME_UNIX_NANO, record.observedTimeUnixNano);
  writeField(out, SEVERITY_NUMBER, record.severityNumber);
  writeField(out, SEVERITY_TEXT, record.severityText);
  if (record.recordId !== undefined) writeField(out, RECORD_ID, record.recordId);
  if (record.bootId !== undefined) writeField(out, BOOT_ID, record.bootId);
  if (record.traceId !== undefined) writeField(out, TRACE_ID, record.traceId);
  if (record.spanId !== undefined) writeField(out, SPAN_ID, record.spanId);
  if (record.flags !== undefined) writeField(out, FLAGS, record.flags);
  if (record.eventName !== undefined) writeField(out, EVENT_NAME, record.eventName);
  out.bytes(batch.tail);
}

/** One record's line as a string (tests, tools); the exporter writes whole batches with writeRecordJson. */
export function recordToJsonLine(record: LogRecord, resource: Attributes): string {
  const out = new JsonBytes(1024);
  writeRecordJson(out, record, batchJson(resource));
  return out.view().toString('utf8');
}

// One record as one JSON line: the PRD's field names first (timestamp, machine_id, level, component, message,
// context), then the OpenTelemetry fields, so that a technician can read it and a tool can re-import it exactly.
// The text is written directly (no per-record object, no spread of the attributes) and is byte for byte what
// JSON.stringify gives for the documented object; record-json.test.ts checks that for arbitrary records.
import {
  ATTRIBUTE_COMPONENT, RESOURCE_DEVICE_ID, levelOfSeverity, unixNanoToMs,
  type Attributes, type LogRecord,
} from '../../../collector/component/index.js';

let cachedSecond = Number.NaN;
let cachedPrefix = '';

/** ISO-8601 of a Unix-nano decimal string, or null for '0' / unparseable. The date part is cached per second. */
export function isoOfUnixNano(unixNano: string): string | null {
  if (unixNano === '0' || unixNano === '') return null;
  // Whole milliseconds from the digits (a float of the nanoseconds would round .999999 up).
  const ms = unixNano.length > 6 ? Number(unixNano.slice(0, -6)) : Math.floor(unixNanoToMs(unixNano));
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return null;
  const second = Math.floor(ms / 1000);
  if (second !== cachedSecond) {
    cachedSecond = second;
    cachedPrefix = new Date(second * 1000).toISOString().slice(0, -4); // 2026-01-22T14:30:15.
  }
  return `${cachedPrefix}${String(ms - second * 1000).padStart(3, '0')}Z`;
}

/** The record's attributes without `component` (the PRD's `context`). */
export function contextOf(attributes: Attributes): Attributes {
  if (!(ATTRIBUTE_COMPONENT in attributes)) return attributes;
  const { [ATTRIBUTE_COMPONENT]: _component, ...rest } = attributes;
  return rest;
}

/** The JSON of a batch's resource, to be spliced into each of its lines (stringified once per batch). */
export function resourceJson(resource: Attributes): string {
  return JSON.stringify(resource);
}

/** What JSON.stringify escapes in a string: `"`, `\`, control characters, and (when lone) surrogates. */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** JSON.stringify(text): the text in quotes when nothing in it needs escaping (most log text), else the slow way. */
export function jsonString(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;
}

/** JSON.stringify(value) for an attribute value (undefined for undefined), strings and numbers without the call. */
function jsonValue(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return jsonString(value);
    case 'number':
      return Number.isFinite(value) ? `${value}` : 'null'; // a finite number's JSON is its toString
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      return JSON.stringify(value) as string | undefined;
  }
}

/** `,"key":<JSON of value>`, or nothing when the value is undefined (as JSON.stringify of an object leaves it out). */
function field(key: string, value: unknown): string {
  const json = jsonValue(value);
  return json === undefined ? '' : `,"${key}":${json}`;
}

/** `,"context":{…}`: JSON.stringify(contextOf(attributes)) without the copy (own enumerable keys in their order). */
function contextField(attributes: Attributes): string {
  let text = '';
  for (const key in attributes) {
    if (key === ATTRIBUTE_COMPONENT || !Object.prototype.hasOwnProperty.call(attributes, key)) continue;
    const json = jsonValue(attributes[key]);
    if (json !== undefined) text += `${text === '' ? '' : ','}${jsonString(key)}:${json}`;
  }
  return `,"context":{${text}}`;
}

/**
 * One line (with its newline). `resourceText` is resourceJson(resource), passed in so a batch encodes it once. The
 * text is what JSON.stringify gives for the object {timestamp, machine_id, level, component, message, context,
 * time_unix_nano, …, resource}, written directly, without building that object for every record.
 */
export function recordToJsonLine(record: LogRecord, resource: Attributes, resourceText = resourceJson(resource)): string {
  const component = record.attributes[ATTRIBUTE_COMPONENT];
  const machine = resource[RESOURCE_DEVICE_ID];
  const timestamp = isoOfUnixNano(record.timeUnixNano) ?? isoOfUnixNano(record.observedTimeUnixNano);
  const level = levelOfSeverity(record.severityNumber);
  let line = `{"timestamp":${timestamp === null ? 'null' : `"${timestamp}"`}`
    + `,"machine_id":${typeof machine === 'string' ? jsonString(machine) : 'null'}`
    + `,"level":${level === undefined ? 'null' : `"${level}"`}`
    + `,"component":${typeof component === 'string' ? jsonString(component) : 'null'}`
    + field('message', record.body)
    + contextField(record.attributes)
    + field('time_unix_nano', record.timeUnixNano)
    + field('observed_time_unix_nano', record.observedTimeUnixNano)
    + field('severity_number', record.severityNumber)
    + field('severity_text', record.severityText);
  if (record.recordId !== undefined) line += field('record_id', record.recordId);
  if (record.bootId !== undefined) line += field('boot_id', record.bootId);
  if (record.traceId !== undefined) line += field('trace_id', record.traceId);
  if (record.spanId !== undefined) line += field('span_id', record.spanId);
  if (record.flags !== undefined) line += field('flags', record.flags);
  if (record.eventName !== undefined) line += field('event_name', record.eventName);
  return `${line},"resource":${resourceText}}\n`;
}

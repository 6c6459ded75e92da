// The unit the ePort packer works on: the PRD's standard log entry with the time in milliseconds and the level
// as a severity number. Conversions to and from the PRD's JSON entry and fleetlog's LogRecord live here.
import {
  ATTRIBUTE_COMPONENT, SEVERITY, bodyText, componentOf, levelFromText, levelOfSeverity, msToUnixNano, unixNanoToMs,
  type AttributeValue, type Attributes, type LogRecord,
} from '../../collector/component/index.js';

export type JsonValue = AttributeValue;
export type Context = { readonly [key: string]: JsonValue };

export interface EportEvent {
  /** Unix milliseconds (integer). */
  timeMs: number;
  machine: string;
  /** OpenTelemetry severity number 0–24 (DEBUG 5, INFO 9, WARN 13, ERROR 17, CRITICAL 21). */
  severityNumber: number;
  component: string;
  message: string;
  /** Key context data; undefined when the entry has none. */
  context?: Context;
  /** Set on an aggregate: how many identical events it stands for, and when the last one happened. */
  count?: number;
  lastTimeMs?: number;
}

/** The PRD's standard log entry (one NDJSON line of `fleetlog eport pack`). */
export interface PrdEntry {
  timestamp: string;
  machine_id: string;
  level: string;
  component: string;
  message: string;
  context?: Context;
  /** Only on aggregates (lossy frames). */
  count?: number;
  last_timestamp?: string;
}

export class EntryError extends Error {}

/** Reads one PRD entry; throws EntryError naming the bad field. */
export function eventFromEntry(value: unknown): EportEvent {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new EntryError('entry is not a JSON object');
  const entry = value as Record<string, unknown>;
  const timeMs = typeof entry.timestamp === 'string' ? Date.parse(entry.timestamp) : typeof entry.timestamp === 'number' ? entry.timestamp : NaN;
  if (!Number.isFinite(timeMs)) throw new EntryError(`timestamp ${JSON.stringify(entry.timestamp)} is not an ISO-8601 time`);
  for (const key of ['machine_id', 'level', 'component', 'message'] as const) {
    if (typeof entry[key] !== 'string') throw new EntryError(`${key} must be a string`);
  }
  const level = levelFromText(entry.level as string);
  if (level === undefined) throw new EntryError(`level ${JSON.stringify(entry.level)} is not DEBUG, INFO, WARN, ERROR or CRITICAL`);
  const context = entry.context;
  if (context !== undefined && (typeof context !== 'object' || context === null || Array.isArray(context))) {
    throw new EntryError('context must be a JSON object');
  }
  const event: EportEvent = {
    timeMs: Math.floor(timeMs),
    machine: entry.machine_id as string,
    severityNumber: SEVERITY[level],
    component: entry.component as string,
    message: entry.message as string,
  };
  if (context !== undefined) event.context = context as Context;
  return event;
}

export function levelName(severityNumber: number): string {
  return levelOfSeverity(severityNumber) ?? 'UNSPECIFIED';
}

export function entryFromEvent(event: EportEvent): PrdEntry {
  const entry: PrdEntry = {
    timestamp: new Date(event.timeMs).toISOString(),
    machine_id: event.machine,
    level: levelName(event.severityNumber),
    component: event.component,
    message: event.message,
  };
  if (event.context !== undefined) entry.context = event.context;
  if (event.count !== undefined) entry.count = event.count;
  if (event.lastTimeMs !== undefined) entry.last_timestamp = new Date(event.lastTimeMs).toISOString();
  return entry;
}

/** Attribute keys an unpacked aggregate carries. */
export const ATTRIBUTE_EPORT_COUNT = 'eport.count';
export const ATTRIBUTE_EPORT_LAST_TIME = 'eport.last_time';

/** A LogRecord as an event: attributes other than `component` become the context. */
export function eventFromRecord(record: LogRecord, machine: string): EportEvent {
  const context: Record<string, JsonValue> = {};
  let keys = 0;
  for (const [key, value] of Object.entries(record.attributes)) {
    if (key === ATTRIBUTE_COMPONENT) continue;
    Object.defineProperty(context, key, { value, enumerable: true, writable: true, configurable: true });
    keys += 1;
  }
  const event: EportEvent = {
    timeMs: Math.floor(unixNanoToMs(record.timeUnixNano !== '0' ? record.timeUnixNano : record.observedTimeUnixNano)),
    machine,
    severityNumber: record.severityNumber,
    component: componentOf(record),
    message: bodyText(record),
  };
  if (keys > 0) event.context = context;
  return event;
}

export function recordFromEvent(event: EportEvent, observedTimeMs: number): LogRecord {
  const attributes: Attributes = { [ATTRIBUTE_COMPONENT]: event.component };
  for (const [key, value] of Object.entries(event.context ?? {})) {
    if (key !== ATTRIBUTE_COMPONENT) Object.defineProperty(attributes, key, { value, enumerable: true, writable: true, configurable: true });
  }
  if (event.count !== undefined) attributes[ATTRIBUTE_EPORT_COUNT] = event.count;
  if (event.lastTimeMs !== undefined) attributes[ATTRIBUTE_EPORT_LAST_TIME] = new Date(event.lastTimeMs).toISOString();
  return {
    timeUnixNano: msToUnixNano(event.timeMs),
    observedTimeUnixNano: msToUnixNano(observedTimeMs),
    severityNumber: event.severityNumber,
    severityText: levelName(event.severityNumber),
    body: event.message,
    attributes,
  };
}

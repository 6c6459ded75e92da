// The record model every part of fleetlog shares (DESIGN §3): the OpenTelemetry log data model plus
// machine identity (resource `device.id`, `site`), `component`, a stable record id and boot id.
// Plain JSON-friendly data: times are decimal strings of Unix nanoseconds, as in OTLP/JSON.

export type AttributeValue =
  | string
  | number
  | boolean
  | null
  | readonly AttributeValue[]
  | { readonly [key: string]: AttributeValue };

export type Attributes = Record<string, AttributeValue>;

export interface LogRecord {
  /** When the event happened, Unix nanoseconds as a decimal string; '0' when unknown. */
  timeUnixNano: string;
  /** When fleetlog first saw the record, Unix nanoseconds as a decimal string. */
  observedTimeUnixNano: string;
  /** OpenTelemetry severity number 1–24; 0 = unspecified. See SEVERITY. */
  severityNumber: number;
  /** The level as the source wrote it (`ERROR`, `warning`, …), or the canonical name. */
  severityText: string;
  /** The message: usually a string; structured bodies are kept as they came. */
  body: AttributeValue;
  /** Record attributes; `component` (payment, motor, door …) lives here, and the parsed context too. */
  attributes: Attributes;
  /** Stable id for the record's source position (file fingerprint + offset, journald cursor, batch id + index). */
  recordId?: string;
  /** Boot id of the device when the record was read (Pi clocks are suspect until synced). */
  bootId?: string;
  traceId?: string;
  spanId?: string;
  flags?: number;
  eventName?: string;
}

/** Records that share one resource (the device: `device.id`, `site`, service name …). */
export interface LogBatch {
  resource: Attributes;
  records: LogRecord[];
}

/** Resource attribute keys fleetlog gives meaning to. */
export const RESOURCE_DEVICE_ID = 'device.id';
export const RESOURCE_SITE = 'site';
/** Record attribute key for the emitting part of the machine (payment, motor, door …). */
export const ATTRIBUTE_COMPONENT = 'component';

/** Canonical fleetlog levels and their OpenTelemetry severity numbers (DESIGN §3). */
export const SEVERITY = Object.freeze({ DEBUG: 5, INFO: 9, WARN: 13, ERROR: 17, CRITICAL: 21 } as const);
export type LevelName = keyof typeof SEVERITY;
export const LEVEL_NAMES: readonly LevelName[] = ['DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL'];

const TEXT_TO_LEVEL: Readonly<Record<string, LevelName>> = {
  trace: 'DEBUG', debug: 'DEBUG', dbg: 'DEBUG', d: 'DEBUG',
  info: 'INFO', information: 'INFO', notice: 'INFO', i: 'INFO',
  warn: 'WARN', warning: 'WARN', w: 'WARN',
  error: 'ERROR', err: 'ERROR', e: 'ERROR',
  critical: 'CRITICAL', crit: 'CRITICAL', fatal: 'CRITICAL', emerg: 'CRITICAL', emergency: 'CRITICAL',
  alert: 'CRITICAL', panic: 'CRITICAL', c: 'CRITICAL',
};

/** Maps a level word (`warning`, `ERR`, `fatal`, `C` …) to its canonical level; undefined when unknown. */
export function levelFromText(text: string): LevelName | undefined {
  return TEXT_TO_LEVEL[text.trim().toLowerCase()];
}

/** The canonical level of a severity number (1–4 TRACE counts as DEBUG; 21–24 as CRITICAL). */
export function levelOfSeverity(severityNumber: number): LevelName | undefined {
  if (severityNumber <= 0) return undefined;
  if (severityNumber < 9) return 'DEBUG';
  if (severityNumber < 13) return 'INFO';
  if (severityNumber < 17) return 'WARN';
  if (severityNumber < 21) return 'ERROR';
  return 'CRITICAL';
}

/** The PRD's one-letter level code: D, I, W, E, C ('-' when unspecified). */
export function levelLetter(severityNumber: number): string {
  const level = levelOfSeverity(severityNumber);
  return level === undefined ? '-' : level[0]!;
}

const NANOS_PER_MS = 1_000_000n;

/** Unix nanoseconds (decimal string) for a millisecond timestamp such as Date.now(). */
export function msToUnixNano(ms: number): string {
  if (Number.isSafeInteger(ms) && ms > 0) return `${ms}000000`; // the common case, without BigInt arithmetic
  const whole = Math.floor(ms);
  const fraction = Math.round((ms - whole) * 1e6);
  return (BigInt(whole) * NANOS_PER_MS + BigInt(fraction)).toString();
}

/** Milliseconds (may be fractional) of a Unix-nanosecond decimal string. */
export function unixNanoToMs(unixNano: string): number {
  if (unixNano.length <= 6) return Number(unixNano) / 1e6;
  return Number(unixNano.slice(0, -6)) + Number(unixNano.slice(-6)) / 1e6;
}

/** The current time as Unix nanoseconds. */
export function nowUnixNano(): string {
  return msToUnixNano(Date.now());
}

/** The record's component attribute, or '' when it has none. */
export function componentOf(record: LogRecord): string {
  const value = record.attributes[ATTRIBUTE_COMPONENT];
  return typeof value === 'string' ? value : '';
}

/** The record's body as text (structured bodies as JSON). */
export function bodyText(record: LogRecord): string {
  return typeof record.body === 'string' ? record.body : JSON.stringify(record.body);
}

// JSON lines: the PRD entry `{"timestamp","level","component","message","context"}` and the common variants
// (python-json-logger, pino, bunyan, logrus, zap, ECS): time / ts / @timestamp, level / levelname / severity,
// logger / name, msg, data / extra / fields. Context keys and any other keys become record attributes.
import {
  SEVERITY, levelFromText, levelOfSeverity, msToUnixNano,
  type AttributeValue, type Attributes, type LevelName,
} from '../../../collector/component/index.js';
import type { ParsedLine } from './parsed-line.js';
import { milliFraction } from './unix-nano.js';

const TIME_KEYS = ['timestamp', 'time', 'ts', '@timestamp', 'asctime', 'datetime', 'date'];
const LEVEL_KEYS = ['level', 'levelname', 'severity', 'severity_text', 'lvl', 'loglevel', 'log.level'];
const COMPONENT_KEYS = ['component', 'logger', 'logger_name', 'name', 'module'];
const MESSAGE_KEYS = ['message', 'msg', 'body', 'text'];
const CONTEXT_KEYS = ['context', 'data', 'extra', 'fields', 'ctx'];
/** pino / bunyan numeric levels. */
const PINO_LEVELS: Readonly<Record<number, LevelName>> = { 10: 'DEBUG', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'CRITICAL' };

function firstKey(object: Record<string, unknown>, keys: readonly string[]): string | undefined {
  for (const key of keys) if (object[key] !== undefined && object[key] !== null) return key;
  return undefined;
}

/** The digits after the first `.` that has any (an ISO time's fraction), or undefined: what /\.(\d+)/ captures. */
function isoFraction(value: string): string | undefined {
  for (let dot = value.indexOf('.'); dot !== -1; dot = value.indexOf('.', dot + 1)) {
    let end = dot + 1;
    for (let c = value.charCodeAt(end); c >= 0x30 && c <= 0x39; c = value.charCodeAt(end)) end += 1;
    if (end > dot + 1) return value.slice(dot + 1, end);
  }
  return undefined;
}

/** The last second seen in a `YYYY-MM-DDThh:mm:ss.sssZ` time (toISOString's, what most JSON loggers write). */
const isoSecond = { prefix: '', seconds: '' };

/** A character code's digit value, or -1. */
function digitAt(value: string, i: number): number {
  const digit = value.charCodeAt(i) - 0x30;
  return digit >= 0 && digit <= 9 ? digit : -1;
}

/**
 * Unix nanos of a `YYYY-MM-DDThh:mm:ss.sssZ` time, undefined for any other shape. The times of one second skip
 * Date.parse and the conversion of their milliseconds to text: the same string as msToUnixNano(Date.parse(value)).
 */
function isoMillisUnixNano(value: string): string | undefined {
  if (value.length !== 24 || value.charCodeAt(4) !== 0x2d || value.charCodeAt(7) !== 0x2d || value.charCodeAt(10) !== 0x54 ||
    value.charCodeAt(13) !== 0x3a || value.charCodeAt(16) !== 0x3a || value.charCodeAt(19) !== 0x2e || value.charCodeAt(23) !== 0x5a) return undefined;
  for (const i of ISO_DIGITS) if (digitAt(value, i) < 0) return undefined;
  const milli = digitAt(value, 20) * 100 + digitAt(value, 21) * 10 + digitAt(value, 22);
  if (isoSecond.prefix !== '' && value.startsWith(isoSecond.prefix)) return isoSecond.seconds + milliFraction(milli);
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return undefined;
  const secondMs = ms - milli;
  // Hour 24 (only 24:00:00.000 is a time) and times before 1970-01-01T00:00:01 are not cached.
  if (secondMs >= 1000 && digitAt(value, 11) * 10 + digitAt(value, 12) < 24) {
    isoSecond.prefix = value.slice(0, 19);
    isoSecond.seconds = String(secondMs / 1000);
  }
  return msToUnixNano(ms);
}
const ISO_DIGITS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 22];

/** Unix nanos of an ISO string or an epoch number (seconds, ms, µs or ns by magnitude); undefined if unusable. */
export function timeOfJsonValue(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) {
    if (value >= 1e17) return BigInt(Math.round(value)).toString();
    if (value >= 1e14) return (BigInt(Math.round(value)) * 1_000n).toString();
    if (value >= 1e11) return msToUnixNano(value);
    return msToUnixNano(value * 1e3);
  }
  if (typeof value !== 'string') return undefined;
  const iso = isoMillisUnixNano(value);
  if (iso !== undefined) return iso;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return undefined;
  const fraction = isoFraction(value);
  if (fraction === undefined || fraction.length <= 3) return msToUnixNano(ms);
  const wholeMs = ms - (ms % 1000 + 1000) % 1000;
  return (BigInt(wholeMs) * 1_000_000n + BigInt(fraction.slice(0, 9).padEnd(9, '0'))).toString();
}

function levelOfJsonValue(value: unknown): { number: number; text: string } | undefined {
  if (typeof value === 'string') {
    const level = levelFromText(value);
    return level === undefined ? undefined : { number: SEVERITY[level], text: value };
  }
  if (typeof value === 'number') {
    const level = PINO_LEVELS[value] ?? (value >= 1 && value <= 24 ? levelOfSeverity(value) : undefined);
    return level === undefined ? undefined : { number: SEVERITY[level], text: level };
  }
  return undefined;
}

/** undefined when the line is not a JSON object. */
export function parseJson(line: string): ParsedLine | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const object = value as Record<string, unknown>;
  // The keys taken for time, level, component, message and context (no Set or closure: this runs for every line).
  const timeKey = firstKey(object, TIME_KEYS);
  const levelKey = firstKey(object, LEVEL_KEYS);
  const componentKey = firstKey(object, COMPONENT_KEYS);
  const messageKey = firstKey(object, MESSAGE_KEYS);
  const contextKey = firstKey(object, CONTEXT_KEYS);
  const timeValue = timeKey === undefined ? undefined : object[timeKey];
  const levelValue = levelKey === undefined ? undefined : object[levelKey];
  const componentValue = componentKey === undefined ? undefined : object[componentKey];
  const messageValue = messageKey === undefined ? undefined : object[messageKey];
  const contextValue = contextKey === undefined ? undefined : object[contextKey];
  const level = levelOfJsonValue(levelValue);

  const attributes: Attributes = {};
  if (componentValue !== undefined) attributes.component = typeof componentValue === 'string' ? componentValue : JSON.stringify(componentValue);
  if (typeof contextValue === 'object' && contextValue !== null && !Array.isArray(contextValue)) {
    Object.assign(attributes, contextValue as Attributes);
  } else if (contextValue !== undefined) {
    attributes.context = contextValue as AttributeValue;
  }
  for (const key in object) {
    if (!Object.hasOwn(object, key) || key === timeKey || key === levelKey || key === componentKey || key === messageKey || key === contextKey) continue;
    if (!(key in attributes)) attributes[key] = object[key] as AttributeValue;
  }
  if (level === undefined && levelValue !== undefined) attributes.level = levelValue as AttributeValue;
  const timeUnixNano = timeOfJsonValue(timeValue);
  if (timeUnixNano === undefined && timeValue !== undefined) attributes.timestamp = timeValue as AttributeValue;

  return {
    timeUnixNano: timeUnixNano ?? '0',
    severityNumber: level?.number ?? 0,
    severityText: level?.text ?? '',
    body: messageValue === undefined ? line : (messageValue as AttributeValue),
    attributes,
  };
}

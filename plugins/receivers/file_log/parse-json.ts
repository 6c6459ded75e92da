// JSON lines: the PRD entry `{"timestamp","level","component","message","context"}` and the common variants
// (python-json-logger, pino, bunyan, logrus, zap, ECS): time / ts / @timestamp, level / levelname / severity,
// logger / name, msg, data / extra / fields. Context keys and any other keys become record attributes.
import {
  SEVERITY, levelFromText, levelOfSeverity, msToUnixNano,
  type AttributeValue, type Attributes, type LevelName,
} from '../../../collector/component/index.js';
import type { ParsedLine } from './parsed-line.js';

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

/** Unix nanos of an ISO string or an epoch number (seconds, ms, µs or ns by magnitude); undefined if unusable. */
export function timeOfJsonValue(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) {
    if (value >= 1e17) return BigInt(Math.round(value)).toString();
    if (value >= 1e14) return (BigInt(Math.round(value)) * 1_000n).toString();
    if (value >= 1e11) return msToUnixNano(value);
    return msToUnixNano(value * 1e3);
  }
  if (typeof value !== 'string') return undefined;
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

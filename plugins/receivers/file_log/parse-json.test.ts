// parseJson against the implementation it replaced (kept here as the reference: a Set of used keys, Object.keys,
// a regular expression for the ISO fraction, BigInt nanoseconds): the same record for random JSON lines built
// from the keys the parser knows, other keys, and every kind of value.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  SEVERITY, levelFromText, levelOfSeverity,
  type AttributeValue, type Attributes, type LevelName,
} from '../../../collector/component/index.js';
import type { ParsedLine } from './parsed-line.js';
import { parseJson } from './parse-json.js';

const TIME_KEYS = ['timestamp', 'time', 'ts', '@timestamp', 'asctime', 'datetime', 'date'];
const LEVEL_KEYS = ['level', 'levelname', 'severity', 'severity_text', 'lvl', 'loglevel', 'log.level'];
const COMPONENT_KEYS = ['component', 'logger', 'logger_name', 'name', 'module'];
const MESSAGE_KEYS = ['message', 'msg', 'body', 'text'];
const CONTEXT_KEYS = ['context', 'data', 'extra', 'fields', 'ctx'];
const PINO_LEVELS: Readonly<Record<number, LevelName>> = { 10: 'DEBUG', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'CRITICAL' };

function referenceMsToUnixNano(ms: number): string {
  const whole = Math.floor(ms);
  return (BigInt(whole) * 1_000_000n + BigInt(Math.round((ms - whole) * 1e6))).toString();
}

function referenceTime(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) {
    if (value >= 1e17) return BigInt(Math.round(value)).toString();
    if (value >= 1e14) return (BigInt(Math.round(value)) * 1_000n).toString();
    if (value >= 1e11) return referenceMsToUnixNano(value);
    return referenceMsToUnixNano(value * 1e3);
  }
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return undefined;
  const fraction = /\.(\d+)/.exec(value)?.[1];
  if (fraction === undefined || fraction.length <= 3) return referenceMsToUnixNano(ms);
  const wholeMs = ms - (ms % 1000 + 1000) % 1000;
  return (BigInt(wholeMs) * 1_000_000n + BigInt(fraction.slice(0, 9).padEnd(9, '0'))).toString();
}

function referenceLevel(value: unknown): { number: number; text: string } | undefined {
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

function referenceParse(line: string): ParsedLine | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const object = value as Record<string, unknown>;
  const used = new Set<string>();
  const take = (keys: readonly string[]): unknown => {
    const key = keys.find((k) => object[k] !== undefined && object[k] !== null);
    if (key === undefined) return undefined;
    used.add(key);
    return object[key];
  };
  const timeValue = take(TIME_KEYS);
  const levelValue = take(LEVEL_KEYS);
  const componentValue = take(COMPONENT_KEYS);
  const messageValue = take(MESSAGE_KEYS);
  const contextValue = take(CONTEXT_KEYS);
  const level = referenceLevel(levelValue);
  const attributes: Attributes = {};
  if (componentValue !== undefined) attributes.component = typeof componentValue === 'string' ? componentValue : JSON.stringify(componentValue);
  if (typeof contextValue === 'object' && contextValue !== null && !Array.isArray(contextValue)) {
    Object.assign(attributes, contextValue as Attributes);
  } else if (contextValue !== undefined) {
    attributes.context = contextValue as AttributeValue;
  }
  for (const key of Object.keys(object)) {
    if (!used.has(key) && !(key in attributes)) attributes[key] = object[key] as AttributeValue;
  }
  if (level === undefined && levelValue !== undefined) attributes.level = levelValue as AttributeValue;
  const timeUnixNano = referenceTime(timeValue);
  if (timeUnixNano === undefined && timeValue !== undefined) attributes.timestamp = timeValue as AttributeValue;
  return {
    timeUnixNano: timeUnixNano ?? '0',
    severityNumber: level?.number ?? 0,
    severityText: level?.text ?? '',
    body: messageValue === undefined ? line : (messageValue as AttributeValue),
    attributes,
  };
}

const key = fc.oneof(
  fc.constantFrom(...TIME_KEYS, ...LEVEL_KEYS, ...COMPONENT_KEYS, ...MESSAGE_KEYS, ...CONTEXT_KEYS),
  fc.constantFrom('pid', 'txn', 'toString', 'constructor', '0', '10', 'a.b', ''),
  fc.string({ maxLength: 6 }),
);
/** toISOString times of a few seconds, so that consecutive lines share a second (the parser caches the last one). */
const sameSecondTime = fc.tuple(
  fc.constantFrom('2026-01-22T14:30:15', '2026-01-22T14:30:16', '1970-01-01T00:00:00', '1970-01-01T00:00:01', '2026-01-22T24:00:00', '2026-02-30T10:00:00', '1969-12-31T23:59:59'),
  fc.integer({ min: 0, max: 999 }),
).map(([second, ms]) => `${second}.${String(ms).padStart(3, '0')}Z`);
const time = fc.oneof(
  sameSecondTime,
  fc.date({ min: new Date(-1e13), max: new Date(4e12), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.tuple(fc.date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true }), fc.integer({ min: 1, max: 12 }))
    .map(([d, digits]) => d.toISOString().replace(/\.\d+Z$/, `.${'123456789012'.slice(0, digits)}Z`)),
  fc.constantFrom('2026-01-22 14:30:15', '2026-01-22T14:30:15.5+02:00', 'Thu. 22 Jan 2026 14:30:15.123456 GMT', 'v1.2 at 2026-01-22', 'soon', '.5', ''),
  fc.oneof(fc.integer({ min: -5, max: 2e9 }), fc.double({ min: 1e9, max: 2e18, noNaN: true }), fc.constantFrom(1769092215.123, 1769092215123, 1769092215123456, 1769092215123456789, 0.5)),
);
const level = fc.oneof(fc.constantFrom('INFO', 'error', 'WARNING', 'fatal', 'verbose', ''), fc.constantFrom(10, 30, 50, 60, 9, 17, 0, 25, 3.5));
const scalar = fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.boolean(), fc.constant(null), time, level);
const value = fc.oneof(
  { weight: 4, arbitrary: scalar },
  { weight: 1, arbitrary: fc.dictionary(key, scalar, { maxKeys: 4 }) },
  { weight: 1, arbitrary: fc.array(scalar, { maxLength: 3 }) },
);
const entry = fc.oneof(
  fc.tuple(fc.constantFrom(...TIME_KEYS), time),
  fc.tuple(fc.constantFrom(...LEVEL_KEYS), level),
  fc.tuple(key, value),
);
const line = fc.oneof(
  { weight: 8, arbitrary: fc.array(entry, { maxLength: 8 }).map((entries) => JSON.stringify(Object.fromEntries(entries))) },
  { weight: 1, arbitrary: fc.oneof(fc.json(), fc.string({ maxLength: 20 }), fc.constantFrom('{"a": ', '[1]', 'null', '{}')) },
);

test('parseJson: the same record as the implementation it replaced, for random JSON lines', () => {
  fc.assert(fc.property(line, (text) => {
    assert.deepEqual(parseJson(text), referenceParse(text), text);
  }), { numRuns: 3000 });
});

test('parseJson: times of one second (cached) and around it, as Date.parse reads them', () => {
  const times = [
    '2026-01-22T14:30:15.123Z', '2026-01-22T14:30:15.999Z', '2026-01-22T14:30:16.000Z', '2026-01-22T14:30:15.001Z',
    '2026-01-22T14:30:15.001+01:00', '1970-01-01T00:00:00.500Z', '1970-01-01T00:00:01.500Z', '2026-01-22T24:00:00.000Z',
    '2026-01-22T24:00:00.001Z', '2026-13-01T00:00:00.000Z', '2026-01-22T14:30:15.1234Z', '2026-01-22T14:30:15.123Z',
  ];
  for (const t of times) {
    const line = JSON.stringify({ timestamp: t, level: 'INFO', message: 'm' });
    assert.deepEqual(parseJson(line), referenceParse(line), t);
  }
});

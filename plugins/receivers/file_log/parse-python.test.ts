// The Python line scanner against the regular expression it replaced (kept here as the reference): the same lines
// are recognised, with the same time, level, logger name and message — for the usual lines, for tricky ones
// (` - ` inside names and messages, fractions of any length, line terminators, unknown level words) and for
// random text, through one parser state as the receiver uses it (its caches carry over from line to line).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { SEVERITY, levelFromText, msToUnixNano } from '../../../collector/component/index.js';
import type { ParsedLine, TimeZone } from './parsed-line.js';
import { PythonLineState, SecondCache, parsePython, withFraction } from './parse-python.js';

const PYTHON_LINE = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:[,.](\d{1,9}))? - (.+?) - ([A-Za-z]+) - (.*)$/;

/** The parser as it was before the scanner (a regular expression, BigInt nanoseconds). */
function referenceParse(line: string, zone: TimeZone): ParsedLine | undefined {
  const m = PYTHON_LINE.exec(line);
  if (!m) return undefined;
  const level = levelFromText(m[9]!);
  if (level === undefined) return undefined;
  const args = [Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])] as const;
  const ms = zone === 'utc' ? Date.UTC(...args) : new Date(...args).getTime();
  if (Number.isNaN(ms)) return undefined;
  return {
    timeUnixNano: m[7] ? withFraction(ms, m[7]) : msToUnixNano(ms),
    severityNumber: SEVERITY[level],
    severityText: m[9]!,
    body: m[10]!,
    attributes: { component: m[8]! },
  };
}

const digits = (count: number): fc.Arbitrary<string> => fc.array(fc.constantFrom(...'0123456789'), { minLength: count, maxLength: count }).map((d) => d.join(''));
/** Mostly `usual`, sometimes something else: enough valid lines to compare results, enough odd ones to compare refusals. */
const mostly = <T>(usual: fc.Arbitrary<T>, odd: fc.Arbitrary<T>): fc.Arbitrary<T> => fc.oneof({ weight: 5, arbitrary: usual }, { weight: 1, arbitrary: odd });
const piece = fc.constantFrom(' - ', '-', ' ', 'payment', 'a', 'INFO', 'x - y', '\r', '\u2028', '\u2029', 'é', '😀', '\t', ',', '.', '');
const text = mostly(
  fc.constantFrom('payment', 'motor', 'Card approved for transaction 42', 'a', '', 'x - y', 'db - pool', ' - ', 'Pulse - count - mismatch'),
  fc.array(fc.oneof(piece, fc.string({ maxLength: 4 })), { maxLength: 6 }).map((p) => p.join('')),
);
const level = mostly(
  fc.constantFrom('INFO', 'ERROR', 'WARNING', 'warn', 'CRITICAL', 'Debug', 'e', 'TRACE', 'fatal'),
  fc.oneof(fc.constantFrom('VERBOSE', '', 'INFO1', 'I NFO'), fc.string({ maxLength: 3 })),
);
const dateTime = fc.tuple(
  mostly(fc.constantFrom('2026', '1970', '2038'), fc.oneof(digits(4), fc.constantFrom('1969', '0026', '0000', '9999', '202'))),
  mostly(fc.constantFrom('01', '06', '12'), fc.oneof(digits(2), fc.constantFrom('00', '13'))),
  mostly(fc.constantFrom('01', '22', '31'), fc.oneof(digits(2), fc.constantFrom('00', '32'))),
  mostly(fc.constant(' '), fc.constantFrom('T', '_', '')),
  digits(2), digits(2), mostly(fc.constantFrom('00', '15', '59'), digits(2)),
).map(([y, mo, d, sep, h, mi, s]) => `${y}-${mo}-${d}${sep}${h}:${mi}:${s}`);
const fraction = mostly(
  fc.tuple(fc.constantFrom(',', '.'), fc.integer({ min: 1, max: 9 })).chain(([mark, n]) => digits(n).map((d) => mark + d)),
  fc.tuple(fc.constantFrom(',', '.', ';', ''), fc.integer({ min: 0, max: 11 })).chain(([mark, n]) => digits(n).map((d) => mark + d)),
);
const separator = mostly(fc.constant(' - '), fc.constantFrom(' -', '-', ' -  ', ''));
const pythonish = fc.tuple(dateTime, fraction, separator, text, separator, level, separator, text).map((parts) => parts.join(''));
const anyLine = fc.oneof({ weight: 6, arbitrary: pythonish }, { weight: 1, arbitrary: fc.string({ maxLength: 60 }) });

for (const zone of ['utc', 'local'] as const) {
  test(`python scanner (${zone}): the same result as the regular expression, line after line through one state`, () => {
    fc.assert(fc.property(fc.array(anyLine, { minLength: 1, maxLength: 30 }), (lines) => {
      const state = new PythonLineState(zone);
      for (const line of lines) assert.deepEqual(parsePython(line, state), referenceParse(line, zone), JSON.stringify(line));
    }), { numRuns: 600 });
  });
}

test('python scanner: ordinary lines, every fraction length, and more logger names than the cache holds', () => {
  const state = new PythonLineState('utc');
  const lines: string[] = [];
  for (let i = 0; i < 300; i += 1) {
    const fractionDigits = i % 10;
    const fraction = fractionDigits === 0 ? '' : `${i % 2 === 0 ? ',' : '.'}${String(i * 7919).padStart(fractionDigits, '0').slice(-fractionDigits)}`;
    const second = String(i % 60).padStart(2, '0');
    lines.push(`2026-01-22 14:30:${second}${fraction} - component-${i % 97} - ${['INFO', 'ERROR', 'WARNING', 'DEBUG', 'CRITICAL'][i % 5]} - message ${i} - with - dashes`);
  }
  for (const line of lines) {
    const parsed = parsePython(line, state);
    assert.ok(parsed, line);
    assert.deepEqual(parsed, referenceParse(line, 'utc'), line);
  }
});

test('SecondCache: the time a line starts with, refused for any other shape', () => {
  const seconds = new SecondCache('utc');
  assert.equal(seconds.select('2026-01-22 14:30:15,123 - p - INFO - m'), true);
  assert.equal(seconds.unixNano('2026-01-22 14:30:15,123 - p - INFO - m', 20, 3), String(Date.UTC(2026, 0, 22, 14, 30, 15, 123) * 1e6));
  assert.equal(seconds.select('2026-01-22T14:30:16'), true);
  assert.equal(seconds.unixNano('2026-01-22T14:30:16', 19, 0), String(Date.UTC(2026, 0, 22, 14, 30, 16) * 1e6));
  assert.equal(seconds.unixNano('2026-01-22T14:30:16.5', 20, 1), String(Date.UTC(2026, 0, 22, 14, 30, 16, 500) * 1e6));
  for (const odd of ['2026-01-22 14:30:1', '2026/01/22 14:30:15', '２026-01-22 14:30:15', '2026-01-22_14:30:15']) assert.equal(seconds.select(odd), false, odd);
});

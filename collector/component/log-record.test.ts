import { test } from 'node:test';
import assert from 'node:assert/strict';
import { levelFromText, levelLetter, levelOfSeverity, msToUnixNano, SEVERITY, unixNanoToMs } from './log-record.js';

test('level words map to the canonical levels', () => {
  const cases: Array<[string, string | undefined]> = [
    ['ERROR', 'ERROR'], ['warning', 'WARN'], ['Fatal', 'CRITICAL'], ['crit', 'CRITICAL'], ['dbg', 'DEBUG'],
    ['notice', 'INFO'], ['C', 'CRITICAL'], ['verbose?', undefined],
  ];
  for (const [text, level] of cases) assert.equal(levelFromText(text), level, text);
});

test('severity numbers map to levels and PRD letters', () => {
  assert.equal(levelOfSeverity(SEVERITY.WARN), 'WARN');
  assert.equal(levelOfSeverity(2), 'DEBUG');
  assert.equal(levelOfSeverity(24), 'CRITICAL');
  assert.equal(levelOfSeverity(0), undefined);
  assert.equal(levelLetter(SEVERITY.ERROR), 'E');
  assert.equal(levelLetter(0), '-');
});

test('unix nano strings round-trip milliseconds', () => {
  assert.equal(msToUnixNano(1_769_092_215_123), '1769092215123000000');
  assert.equal(unixNanoToMs('1769092215123000000'), 1_769_092_215_123);
  assert.equal(msToUnixNano(1.5), '1500000');
  assert.equal(unixNanoToMs('1500000'), 1.5);
});

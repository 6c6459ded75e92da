import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SEVERITY } from '../../../collector/component/index.js';
import { parseJson, timeOfJsonValue } from './parse-json.js';
import { createLineParser } from './parse-line.js';
import { PythonLineState, parsePython } from './parse-python.js';

test('python logging line: time (local or UTC), component, level, message', () => {
  const line = '2026-01-22 14:30:15,123 - payment - ERROR - Authorization timeout after 30 seconds';
  const utc = parsePython(line, new PythonLineState('utc'));
  assert.deepEqual(utc, {
    timeUnixNano: String(Date.UTC(2026, 0, 22, 14, 30, 15, 123) * 1e6),
    severityNumber: SEVERITY.ERROR,
    severityText: 'ERROR',
    body: 'Authorization timeout after 30 seconds',
    attributes: { component: 'payment' },
  });
  const local = parsePython(line, new PythonLineState('local'));
  assert.equal(local?.timeUnixNano, String(new Date(2026, 0, 22, 14, 30, 15, 123).getTime() * 1e6));
});

test('python: levels map (WARNING, CRITICAL), message may contain the separator, microseconds kept', () => {
  const seconds = new PythonLineState('utc');
  const warn = parsePython('2026-01-22 14:35:10,001 - flowmeter - WARNING - Pulse - count - mismatch', seconds);
  assert.equal(warn?.severityNumber, SEVERITY.WARN);
  assert.equal(warn?.body, 'Pulse - count - mismatch');
  assert.equal(warn?.attributes.component, 'flowmeter');
  const crit = parsePython('2026-01-22 14:35:10.123456 - door - CRITICAL - Tamper', seconds);
  assert.equal(crit?.severityNumber, SEVERITY.CRITICAL);
  assert.equal(crit?.timeUnixNano, String(BigInt(Date.UTC(2026, 0, 22, 14, 35, 10)) * 1_000_000n + 123_456_000n));
  assert.equal(parsePython('2026-01-22 14:35:10,001 - door - VERBOSE - x', seconds), undefined);
  assert.equal(parsePython('not a log line', seconds), undefined);
});

test('JSON: the PRD entry, context keys become attributes', () => {
  const parsed = parseJson('{"timestamp": "2026-01-22T14:30:15Z", "level": "ERROR", "component": "payment", "message": "Authorization timeout after 30 seconds", "context": {"txn": "abc123", "amount_cents": 2000}}');
  assert.deepEqual(parsed, {
    timeUnixNano: String(Date.UTC(2026, 0, 22, 14, 30, 15) * 1e6),
    severityNumber: SEVERITY.ERROR,
    severityText: 'ERROR',
    body: 'Authorization timeout after 30 seconds',
    attributes: { component: 'payment', txn: 'abc123', amount_cents: 2000 },
  });
});

test('JSON variants: pino numbers, levelname/name/msg, epoch times, other keys kept', () => {
  const pino = parseJson('{"level":50,"time":1769092215123,"name":"motor","msg":"jam","pid":7}');
  assert.equal(pino?.severityNumber, SEVERITY.ERROR);
  assert.equal(pino?.timeUnixNano, '1769092215123000000');
  assert.equal(pino?.attributes.component, 'motor');
  assert.equal(pino?.attributes.pid, 7);
  assert.equal(pino?.body, 'jam');
  const pythonJson = parseJson('{"asctime":"2026-01-22T14:30:15.123456Z","levelname":"WARNING","name":"door","message":"ajar","machine_id":"VM001","extra":{"secs":30}}');
  assert.equal(pythonJson?.severityNumber, SEVERITY.WARN);
  assert.equal(pythonJson?.timeUnixNano, String(BigInt(Date.UTC(2026, 0, 22, 14, 30, 15)) * 1_000_000n + 123_456_000n));
  assert.deepEqual(pythonJson?.attributes, { component: 'door', secs: 30, machine_id: 'VM001' });
  assert.equal(timeOfJsonValue(1769092215), '1769092215000000000');
  assert.equal(timeOfJsonValue(1769092215123456), '1769092215123456000');
  assert.equal(timeOfJsonValue('yesterday'), undefined);
  const odd = parseJson('{"level":"verbose","ts":"soon","message":{"k":1}}');
  assert.equal(odd?.severityNumber, 0);
  assert.deepEqual(odd?.attributes, { level: 'verbose', timestamp: 'soon' });
  assert.deepEqual(odd?.body, { k: 1 });
  assert.equal(parseJson('[1,2]'), undefined);
  assert.equal(parseJson('{"truncated": '), undefined);
});

test('auto picks per line; unrecognised lines are kept whole and flagged', () => {
  const auto = createLineParser('auto', 'utc');
  assert.equal(auto('{"level":"INFO","component":"txn","message":"sold"}').parsed.attributes.component, 'txn');
  assert.equal(auto('2026-01-22 14:30:15,123 - payment - INFO - ok').parsed.attributes.component, 'payment');
  const raw = auto('kernel: usb 1-1: new device');
  assert.equal(raw.recognised, false);
  assert.equal(raw.parsed.body, 'kernel: usb 1-1: new device');
  const brokenJson = auto('{"level": oops');
  assert.equal(brokenJson.recognised, false);
  assert.equal(createLineParser('none', 'utc')('{"level":"ERROR"}').parsed.body, '{"level":"ERROR"}');
  assert.equal(createLineParser('json', 'utc')('2026-01-22 14:30:15,123 - p - INFO - m').recognised, false);
  assert.equal(createLineParser('python', 'utc')('{"level":"INFO"}').recognised, false);
});

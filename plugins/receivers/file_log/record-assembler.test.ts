import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LogRecord } from '../../../collector/component/index.js';
import { RecordAssembler } from './record-assembler.js';

const record = (body: string): LogRecord => ({ timeUnixNano: '0', observedTimeUnixNano: '0', severityNumber: 17, severityText: 'ERROR', body, attributes: {} });

test('continuation lines join the Python record before them; not a JSON one; the joined size is capped', () => {
  const a = new RecordAssembler(60);
  assert.equal(a.continueLast('orphan', 5), false, 'nothing to continue');
  a.push(record('Payment failed'), 20, true, 20);
  assert.equal(a.continueLast('Traceback (most recent call last):', 55), true);
  assert.equal(a.continueLast('x', 57), true);
  assert.equal(a.continueLast('  File "pay.py", line 3', 80), true, 'beyond 60 bytes: dropped and marked');
  assert.equal(a.continueLast('y', 82), true, 'after a dropped line, the rest is dropped too (no gaps)');
  a.push(record('{"json": 1}'), 100, false, 20);
  assert.equal(a.continueLast('after json', 110), false);
  const taken = a.take(false);
  assert.equal(taken?.end, 100);
  assert.deepEqual(taken?.records.map((r) => r.body), ['Payment failed\nTraceback (most recent call last):\nx', '{"json": 1}']);
  assert.equal(taken?.records[0]?.attributes['log.record.truncated'], true);
  assert.equal(a.length, 0);
});

test('take(holdLast, limit): at most limit records; a trailing joinable record waits; offsets end at the last taken', () => {
  const a = new RecordAssembler(1000);
  for (let i = 0; i < 5; i += 1) a.push(record(`r${i}`), (i + 1) * 10, true, 10);
  assert.deepEqual(a.take(true, 3)?.records.map((r) => r.body), ['r0', 'r1', 'r2']);
  const held = a.take(true);
  assert.deepEqual({ bodies: held?.records.map((r) => r.body), end: held?.end }, { bodies: ['r3'], end: 40 });
  assert.equal(a.take(true), undefined, 'only the joinable last one is left');
  assert.equal(a.bytes, 10);
  assert.deepEqual(a.take(false)?.records.map((r) => r.body), ['r4']);
});

test('clear(): a reused assembler starts empty, its last record no longer joinable', () => {
  const a = new RecordAssembler(1000);
  a.push(record('kept?'), 10, true, 10);
  a.clear();
  assert.equal(a.length, 0);
  assert.equal(a.bytes, 0);
  assert.equal(a.continueLast('orphan', 20), false);
  assert.equal(a.take(false), undefined);
  a.push(record('next'), 30, false, 20);
  assert.deepEqual(a.take(false), { records: [record('next')], end: 30 });
});

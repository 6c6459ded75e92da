import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KIND_RECORD, KIND_RESOURCE, encodeFrame, encodeRecordFrames, scanFrames } from './segment-format.js';

const frames = (n: number): Buffer[] => [
  encodeFrame({ kind: KIND_RESOURCE, severity: 0, resourceIndex: 0, seq: 0, enqueuedAtMs: 1 }, '{"device.id":"vm-1"}'),
  ...Array.from({ length: n }, (_, i) => encodeFrame({ kind: KIND_RECORD, severity: 9, resourceIndex: 0, seq: i + 1, enqueuedAtMs: 1000 + i }, JSON.stringify({ body: `line ${i + 1}` }))),
];

test('frames round-trip with their fields', () => {
  const scan = scanFrames(Buffer.concat(frames(3)));
  assert.deepEqual(scan.corrupt, []);
  assert.deepEqual(scan.frames.map((f) => [f.kind, f.seq, f.enqueuedAtMs, JSON.parse(f.json.toString()) as unknown]), [
    [KIND_RESOURCE, 0, 1, { 'device.id': 'vm-1' }],
    [KIND_RECORD, 1, 1000, { body: 'line 1' }],
    [KIND_RECORD, 2, 1001, { body: 'line 2' }],
    [KIND_RECORD, 3, 1002, { body: 'line 3' }],
  ]);
});

test('a flipped byte in every position loses at most the frame it hits', () => {
  const parts = frames(4);
  const whole = Buffer.concat(parts);
  const starts: number[] = [];
  let at = 0;
  for (const p of parts) {
    starts.push(at);
    at += p.length;
  }
  for (let i = 0; i < whole.length; i += 1) {
    const buf = Buffer.from(whole);
    buf[i] = buf[i]! ^ 0x40;
    const hit = starts.filter((s) => s <= i).length - 1;
    const scan = scanFrames(buf);
    const seqs = scan.frames.filter((f) => f.kind === KIND_RECORD).map((f) => f.seq);
    const expected = [1, 2, 3, 4].filter((s) => s !== hit);
    assert.deepEqual(seqs, expected, `flip at ${i}`);
    assert.equal(scan.corrupt.length, 1, `flip at ${i} reports one region`);
  }
});

test('a truncated tail is a corrupt region when the buffer is the whole file, pending otherwise', () => {
  const whole = Buffer.concat(frames(3));
  const cut = whole.subarray(0, whole.length - 5);
  const complete = scanFrames(cut, 0, true);
  assert.deepEqual(complete.frames.map((f) => f.seq), [0, 1, 2]);
  assert.equal(complete.corrupt.length, 1);
  assert.equal(complete.end, cut.length);
  const partial = scanFrames(cut, 0, false);
  assert.deepEqual(partial.corrupt, []);
  assert.ok(partial.incompleteBytes > 0);
  assert.equal(partial.end + partial.incompleteBytes, cut.length);
});

test('encodeRecordFrames writes the same bytes as encodeFrame per record (UTF-8 JSON, consecutive seqs, one buffer)', () => {
  const jsons = ['{"body":"a"}', '["1","2",9,"INFO","Ünïcødé € 🚀",{}]', '', '{"x":"' + 'y'.repeat(5000) + '"}'];
  const blob = Buffer.from(jsons.join(''));
  let start = 0;
  const records = jsons.map((json, i) => {
    const length = Buffer.byteLength(json);
    const r = { severity: [9, 13, 17, 300][i]!, blob, start, length };
    start += length;
    return r;
  });
  const one = encodeRecordFrames(3, 41, 1234.5, records);
  const each = Buffer.concat(jsons.map((json, i) => encodeFrame({ kind: KIND_RECORD, severity: records[i]!.severity, resourceIndex: 3, seq: 41 + i, enqueuedAtMs: 1234.5 }, json)));
  assert.ok(one.equals(each));
  const scan = scanFrames(one);
  assert.deepEqual(scan.corrupt, []);
  assert.deepEqual(scan.frames.map((f) => [f.seq, f.severity, f.resourceIndex, f.json.toString()]), jsons.map((json, i) => [41 + i, Math.min(255, records[i]!.severity), 3, json]));
});

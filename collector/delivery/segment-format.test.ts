import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import {
  KIND_BATCH, KIND_RECORD, KIND_RESOURCE, MAX_BATCH_FRAME_JSON_BYTES, MAX_BATCH_FRAME_RECORDS, batchFrameCount, encodeBatchFrames, encodeFrame,
  frameRecords, scanFrames, type EncodedJson,
} from './segment-format.js';

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

/** JSON strings as the queue hands them to encodeBatchFrames: UTF-8 in one shared buffer. */
function encoded(jsons: readonly string[], severities: readonly number[]): EncodedJson[] {
  const blob = Buffer.from(jsons.join(''));
  const source = { bytes: () => blob };
  let start = 0;
  return jsons.map((json, i) => {
    const length = Buffer.byteLength(json);
    const r = { severity: severities[i % severities.length]!, source, start, length };
    start += length;
    return r;
  });
}

const recordsOf = (buf: Buffer) => scanFrames(buf).frames.flatMap((f) => frameRecords(f).map((r) => ({ seq: r.seq, severity: r.severity, resourceIndex: r.resourceIndex, enqueuedAtMs: r.enqueuedAtMs, json: r.json.toString() })));

test('batch frames round-trip their records (UTF-8 JSON, consecutive seqs, severities clamped to a byte)', () => {
  const jsons = ['{"body":"a"}', '["1","2",9,"INFO","Ünïcødé € 🚀",{}]', '', '{"x":"' + 'y'.repeat(5000) + '"}'];
  const buf = encodeBatchFrames(3, 41, 1234.5, encoded(jsons, [9, 13, 17, 300]));
  const scan = scanFrames(buf);
  assert.deepEqual(scan.corrupt, []);
  assert.deepEqual(scan.frames.map((f) => [f.kind, f.seq, f.count, f.size]), [[KIND_BATCH, 41, 4, buf.length]]);
  assert.deepEqual(recordsOf(buf), jsons.map((json, i) => ({ seq: 41 + i, severity: [9, 13, 17, 255][i], resourceIndex: 3, enqueuedAtMs: 1234.5, json })));
});

test('a batch frame holds at most MAX_BATCH_FRAME_RECORDS records and closes before MAX_BATCH_FRAME_JSON_BYTES of JSON', () => {
  const many = encoded(Array.from({ length: MAX_BATCH_FRAME_RECORDS * 2 + 1 }, (_, i) => `[${i}]`), [9]);
  const counts = scanFrames(encodeBatchFrames(0, 1, 0, many)).frames.map((f) => f.count);
  assert.deepEqual(counts, [MAX_BATCH_FRAME_RECORDS, MAX_BATCH_FRAME_RECORDS, 1]);
  assert.equal(batchFrameCount(many), 3);
  const big = encoded(['"' + 'a'.repeat(MAX_BATCH_FRAME_JSON_BYTES) + '"', '"b"', '"' + 'c'.repeat(MAX_BATCH_FRAME_JSON_BYTES / 2) + '"', '"' + 'd'.repeat(MAX_BATCH_FRAME_JSON_BYTES / 2) + '"'], [9]);
  const frames = scanFrames(encodeBatchFrames(0, 1, 0, big)).frames;
  assert.deepEqual(frames.map((f) => [f.seq, f.count]), [[1, 1], [2, 2], [4, 1]]);
  assert.equal(batchFrameCount(big), 3);
});

const jsonArb = fc.string({ unit: 'grapheme', maxLength: 300 }).map((text) => JSON.stringify([text]));

test('property: resource, record and batch frames in any mix scan back to the same records in order', () => {
  const partArb = fc.oneof(
    fc.record({ kind: fc.constant('resource' as const), index: fc.integer({ min: 0, max: 0xffff }), json: jsonArb }),
    fc.record({ kind: fc.constant('record' as const), index: fc.integer({ min: 0, max: 0xffff }), severity: fc.integer({ min: 0, max: 24 }), json: jsonArb }),
    fc.record({ kind: fc.constant('batch' as const), index: fc.integer({ min: 0, max: 0xffff }), severities: fc.array(fc.integer({ min: 0, max: 24 }), { minLength: 1, maxLength: 5 }), jsons: fc.array(jsonArb, { minLength: 1, maxLength: 300 }) }),
  );
  fc.assert(fc.property(fc.array(partArb, { maxLength: 8 }), fc.double({ min: 0, max: 2e12, noNaN: true }), (parts, atMs) => {
    let seq = 1;
    const expected: { seq: number; severity: number; resourceIndex: number; enqueuedAtMs: number; json: string }[] = [];
    const bufs = parts.map((p) => {
      if (p.kind === 'resource') return encodeFrame({ kind: KIND_RESOURCE, severity: 0, resourceIndex: p.index, seq: 0, enqueuedAtMs: 0 }, p.json);
      if (p.kind === 'record') {
        expected.push({ seq, severity: p.severity, resourceIndex: p.index, enqueuedAtMs: atMs, json: p.json });
        return encodeFrame({ kind: KIND_RECORD, severity: p.severity, resourceIndex: p.index, seq: seq++, enqueuedAtMs: atMs }, p.json);
      }
      const first = seq;
      p.jsons.forEach((json, i) => expected.push({ seq: seq++, severity: p.severities[i % p.severities.length]!, resourceIndex: p.index, enqueuedAtMs: atMs, json }));
      return encodeBatchFrames(p.index, first, atMs, encoded(p.jsons, p.severities));
    });
    const whole = Buffer.concat(bufs);
    assert.deepEqual(scanFrames(whole).corrupt, []);
    assert.deepEqual(recordsOf(whole), expected);
  }), { numRuns: 200 });
});

test('a flipped byte in a batch frame loses that frame, not its neighbours; one region reported', () => {
  const jsons = Array.from({ length: 6 }, (_, i) => JSON.stringify([`line ${i}`]));
  const parts = [
    encodeFrame({ kind: KIND_RESOURCE, severity: 0, resourceIndex: 0, seq: 0, enqueuedAtMs: 1 }, '{"device.id":"vm-1"}'),
    encodeBatchFrames(0, 1, 5, encoded(jsons.slice(0, 3), [9])),
    encodeBatchFrames(0, 4, 6, encoded(jsons.slice(3), [9])),
  ];
  const whole = Buffer.concat(parts);
  const first = parts[0]!.length;
  const second = first + parts[1]!.length;
  for (let i = 0; i < whole.length; i += 1) {
    const buf = Buffer.from(whole);
    buf[i] = buf[i]! ^ 0x40;
    const expected = i < first ? [1, 2, 3, 4, 5, 6] : i < second ? [4, 5, 6] : [1, 2, 3];
    const scan = scanFrames(buf);
    assert.deepEqual(recordsOf(buf).map((r) => r.seq), expected, `flip at ${i}`);
    assert.equal(scan.corrupt.length, 1, `flip at ${i} reports one region`);
  }
});

test('a batch frame whose index does not add up to its length is rejected even with a matching CRC', () => {
  const buf = encodeBatchFrames(0, 1, 5, encoded(['[1]', '[2]'], [9]));
  // The first record's JSON length (after the 28-byte frame header and the u32 count, past its severity byte): 3 → 4.
  buf.writeUInt32LE(4, 28 + 4 + 1);
  buf.writeUInt32LE(crc32(buf.subarray(8)), 4);
  assert.deepEqual(scanFrames(buf).frames, []);
  assert.equal(scanFrames(buf).corrupt.length, 1);
});

test('batch frames copy JSON from any blobs in any order (a batch the drop policy thinned, records of two batches)', () => {
  const a = encoded(['[1]', '["two"]', '[3]', '["four"]'], [5, 9, 13, 17]);
  const b = encoded(['["b1"]', '["b2"]'], [21]);
  const mixed = [a[3]!, a[0]!, a[2]!, b[1]!, b[0]!, a[1]!];
  const buf = encodeBatchFrames(0, 10, 1, mixed);
  assert.deepEqual(recordsOf(buf).map((r) => [r.seq, r.severity, r.json]), mixed.map((r, i) => [10 + i, r.severity, r.source.bytes().toString('utf8', r.start, r.start + r.length)]));
});

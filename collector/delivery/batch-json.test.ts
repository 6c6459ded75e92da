// batch-json.ts keeps a batch's JSON in one of a few reused writers: read back after later batches took its writer,
// it is encoded again, the same bytes; a batch changed after it was encoded is refused, never written mis-sized.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BatchJson } from './batch-json.js';
import { encodeRecordJson } from './record-codec.js';
import { encodeRecords } from './queue-records.js';
import { batchOf } from './test-support.js';

const jsonOf = (json: BatchJson): string => json.bytes().toString('utf8', 0, json.lengths.reduce((a, b) => a + b, 0));
const expected = (records: readonly Parameters<typeof encodeRecordJson>[0][]): string => records.map((r) => encodeRecordJson(r)).join('');

test('a batch\'s JSON is the same bytes while its writer holds it and after later batches took the writer', () => {
  const batches = Array.from({ length: 5 }, (_, i) => batchOf(i * 100, 3 + i));
  batches[2]!.records[1]!.body = 'Ünïcødé € 🚀';
  const jsons = batches.map((b) => new BatchJson(b.records));
  // Read back oldest first: every read re-encodes into a writer that a later batch held, and so on.
  for (let round = 0; round < 2; round += 1) {
    for (let i = 0; i < batches.length; i += 1) assert.equal(jsonOf(jsons[i]!), expected(batches[i]!.records), `batch ${i}, round ${round}`);
  }
  assert.deepEqual(jsons.map((j) => j.stale), jsons.map(() => false));
});

test('a batch changed after it was encoded: bytes() throws once its writer was taken, and the next encoding is fresh', () => {
  const batch = batchOf(1, 3);
  const encoded = encodeRecords(batch.records);
  batch.records[1]!.body = 'a longer body than before';
  new BatchJson(batchOf(10, 1).records);
  new BatchJson(batchOf(20, 1).records); // both writers taken
  assert.throws(() => encoded[0]!.source.bytes(), /changed after consume/);
  assert.equal(encoded[0]!.source.stale, true);
  const again = encodeRecords(batch.records);
  assert.notEqual(again, encoded);
  assert.equal(jsonOf(again[0]!.source), expected(batch.records));
});

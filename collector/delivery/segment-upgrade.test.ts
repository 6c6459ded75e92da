// Queues written before batch frames (one record frame per record: testdata/queue-per-record-frames, written by
// commit 62fe86a from fixtureBatches()) must still be read after an upgrade, evicted from and inspected; and a
// batch frame that eviction thins keeps its other records.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LogBatch } from '../component/log-record.js';
import { DiskQueue, type DiskQueueOptions } from './disk-queue.js';
import type { QueuedRecord } from './queue.js';
import { inspectQueue } from './queue-inspect.js';
import { KIND_BATCH, KIND_RECORD, scanFrames } from './segment-format.js';
import { fixtureBatches, withTempDir } from './test-support.js';

const FIXTURE = fileURLToPath(new URL('./testdata/queue-per-record-frames', import.meta.url));
/** The fixture acknowledged its first 6 records (ack.pos / ack.json). */
const FIXTURE_ACKED = 6;

function queue(dir: string, options: Partial<DiskQueueOptions> = {}): DiskQueue {
  return new DiskQueue({
    directory: dir, maxBytes: 1 << 20, minFreeBytes: 0, segmentBytes: 4096, fsync: 'batch', fsyncIntervalMs: 1000,
    fullPolicy: 'block', fullWaitMs: 200, ackPersistDelayMs: 0, ...options,
  });
}

async function readAll(q: DiskQueue): Promise<QueuedRecord[]> {
  const out: QueuedRecord[] = [];
  for (let i = 0; i < 1000; i += 1) {
    const got = await q.read(7);
    if (got.length === 0) break;
    out.push(...got);
  }
  return out;
}

const flat = (batches: readonly LogBatch[]) => batches.flatMap((b) => b.records.map((record) => ({ record, resource: b.resource })));
const kindsIn = async (dir: string, name: string) => new Set(scanFrames(await readFile(join(dir, name))).frames.map((f) => f.kind));

test('a queue of per-record frames (the format before batch frames) is read after an upgrade: same records, resources and order; new appends follow', () => withTempDir(async (dir) => {
  await cp(FIXTURE, dir, { recursive: true });
  assert.deepEqual(await kindsIn(dir, 'seg-0000000000000001.log'), new Set([1, KIND_RECORD]), 'the fixture holds per-record frames');
  const q = queue(dir);
  await q.open();
  const expected = flat(fixtureBatches()).slice(FIXTURE_ACKED);
  assert.equal(q.recovery.records, expected.length);
  assert.equal(q.recovery.corruptRegions, 0);
  const extra = fixtureBatches().slice(0, 2);
  for (const b of extra) await q.append(b);
  const got = await readAll(q);
  assert.deepEqual(got.map((e) => e.seq), Array.from({ length: expected.length + 8 }, (_, i) => FIXTURE_ACKED + 1 + i));
  assert.deepEqual(got.map((e) => ({ record: e.record, resource: e.resource })), [...expected, ...flat(extra)]);
  await q.ack(got[got.length - 1]!.seq);
  await q.close();
  const again = queue(dir);
  await again.open();
  assert.equal(again.hasUnread(), false);
  assert.equal(again.stats().queuedRecords, 0);
  await again.close();
}));

test('queue inspect counts the records of per-record and batch frames alike', () => withTempDir(async (dir) => {
  await cp(FIXTURE, dir, { recursive: true });
  const before = await inspectQueue(dir);
  assert.equal(before.queuedRecords, 40 - FIXTURE_ACKED);
  const q = queue(dir);
  await q.open();
  for (const b of fixtureBatches()) await q.append(b);
  await q.close();
  const after = await inspectQueue(dir);
  assert.equal(after.queuedRecords, 80 - FIXTURE_ACKED);
  assert.equal(after.corruptRegions, 0);
}));

test('drop_lowest_severity evicts from per-record and batch frames alike; a thinned batch frame keeps its other records in order', () => withTempDir(async (dir) => {
  await cp(FIXTURE, dir, { recursive: true });
  const dropped: number[] = [];
  const q = queue(dir, { maxBytes: 32 * 1024, fullPolicy: 'drop_lowest_severity', events: { fsync() {}, corrupt() {}, droppedByPolicy: (n) => dropped.push(n) } });
  await q.open();
  const appended = [...flat(fixtureBatches()).slice(FIXTURE_ACKED)];
  // Mixed severities in every append, so eviction cuts batch frames in part.
  for (let round = 0; round < 4; round += 1) {
    for (const b of fixtureBatches()) {
      await q.append(b);
      appended.push(...flat([b]));
    }
  }
  const droppedTotal = dropped.reduce((a, b) => a + b, 0);
  assert.ok(droppedTotal > 0, 'something was evicted');
  const got = await readAll(q);
  assert.equal(got.length + droppedTotal, appended.length, 'every record is read or counted as dropped');
  const seqs = got.map((e) => e.seq);
  assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), 'order is kept');
  // Each record read is the one appended with its seq, resource included.
  for (const e of got) assert.deepEqual({ record: e.record, resource: e.resource }, appended[e.seq - FIXTURE_ACKED - 1], `seq ${e.seq}`);
  const keptSeqs = new Set(seqs);
  const lost = appended.filter((_, i) => !keptSeqs.has(i + FIXTURE_ACKED + 1));
  assert.ok(lost.every((r) => r.record.severityNumber < 17), 'ERROR and CRITICAL are never evicted');
  // The segments written after the upgrade hold batch frames, and record frames where eviction thinned one.
  const kinds = new Set<number>();
  for (const name of (await readdir(dir)).filter((n) => n.startsWith('seg-') && n > 'seg-0000000000000040.log')) for (const kind of await kindsIn(dir, name)) kinds.add(kind);
  assert.ok(kinds.has(KIND_BATCH) && kinds.has(KIND_RECORD), `frame kinds after eviction: ${[...kinds].join(', ')}`);
  await q.close();
}));

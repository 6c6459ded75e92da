import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isPermanentError } from '../component/errors.js';
import type { LogBatch } from '../component/log-record.js';
import { DiskQueue, type DiskQueueOptions } from './disk-queue.js';
import type { QueuedRecord } from './queue.js';
import { encodeRecords } from './queue-records.js';
import { batchOf, withTempDir } from './test-support.js';

function queue(dir: string, options: Partial<DiskQueueOptions> = {}): DiskQueue {
  return new DiskQueue({
    directory: dir, maxBytes: 64 * 1024 * 1024, minFreeBytes: 0, segmentBytes: 8 * 1024 * 1024, fsync: 'batch', fsyncIntervalMs: 1000,
    fullPolicy: 'block', fullWaitMs: 2_000, ackPersistDelayMs: 0, ...options,
  });
}

const seqAttr = (entries: readonly QueuedRecord[]): number[] => entries.map((e) => e.record.attributes.seq as number);

async function readAll(q: DiskQueue): Promise<QueuedRecord[]> {
  const out: QueuedRecord[] = [];
  for (let i = 0; i < 1000; i += 1) {
    const got = await q.read(100);
    if (got.length === 0) break;
    out.push(...got);
  }
  return out;
}

const segmentFiles = async (dir: string): Promise<string[]> => (await readdir(dir)).filter((n) => n.startsWith('seg-')).sort();

test('appends, reads in order with resources, acknowledges, and recovers the unacknowledged rest after reopening', () => withTempDir(async (dir) => {
  const q = queue(dir);
  await q.open();
  await q.append(batchOf(0, 5, 9, { 'device.id': 'a' }));
  await q.append(batchOf(5, 5, 17, { 'device.id': 'b' }));
  const first = await q.read(7);
  assert.deepEqual(seqAttr(first), [0, 1, 2, 3, 4, 5, 6]);
  assert.deepEqual(first[0]!.resource, { 'device.id': 'a' });
  assert.deepEqual(first[6]!.resource, { 'device.id': 'b' });
  assert.equal(first[6]!.record.severityNumber, 17);
  await q.ack(first[4]!.seq);
  assert.equal(q.stats().queuedRecords, 5);
  await q.close();

  const again = queue(dir);
  await again.open();
  assert.equal(again.recovery.records, 5);
  const rest = await readAll(again);
  assert.deepEqual(seqAttr(rest), [5, 6, 7, 8, 9], 'read-but-unacknowledged records come back');
  await again.append(batchOf(10, 1));
  const after = await readAll(again);
  assert.deepEqual(seqAttr(after), [10]);
  assert.ok(after[0]!.seq > rest[4]!.seq, 'sequence numbers are never reused');
  await again.close();
}));

test('a segment is deleted only when every record in it is acknowledged', () => withTempDir(async (dir) => {
  const q = queue(dir, { segmentBytes: 4096 });
  await q.open();
  for (let i = 0; i < 60; i += 1) await q.append(batchOf(i * 5, 5));
  const files = await segmentFiles(dir);
  assert.ok(files.length >= 4, `expected several segments, got ${files.length}`);
  const all = await readAll(q);
  assert.equal(all.length, 300);
  // Acknowledge up to the middle of the second segment: only the first file may go.
  const secondFirstSeq = Number(/seg-(\d+)/.exec(files[1]!)![1]);
  await q.ack(secondFirstSeq + 1);
  assert.deepEqual(await segmentFiles(dir), files.slice(1));
  await q.ack(all[all.length - 1]!.seq);
  assert.ok((await segmentFiles(dir)).length <= 1, 'all sealed segments deleted once acknowledged');
  assert.equal(q.stats().queuedRecords, 0);
  await q.close();
}));

test('a flipped byte in a segment: the good records are recovered, the damaged frame (one append\'s records) counted, a copy quarantined', () => withTempDir(async (dir) => {
  const q = queue(dir, { segmentBytes: 4096 });
  await q.open();
  for (let i = 0; i < 40; i += 1) await q.append(batchOf(i * 5, 5));
  await q.close();
  const files = await segmentFiles(dir);
  const victim = join(dir, files[1]!);
  const bytes = await readFile(victim);
  const middle = Math.floor(bytes.length / 2);
  bytes[middle] = bytes[middle]! ^ 0xff;
  await writeFile(victim, bytes);

  const again = queue(dir, { segmentBytes: 4096 });
  await again.open();
  assert.equal(again.recovery.corruptRegions, 1);
  assert.equal(again.recovery.quarantined.length, 1);
  assert.equal(again.stats().corruptRecords, 1);
  const seqs = seqAttr(await readAll(again));
  assert.equal(seqs.length, 195, 'exactly one batch frame (the 5 records of one append) lost to the flipped byte');
  assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b));
  assert.ok((await readdir(join(dir, 'quarantine'))).length === 1);
  await again.close();
  const third = queue(dir, { segmentBytes: 4096 });
  await third.open();
  assert.equal(third.recovery.corruptRegions, 0, 'the repaired segment is clean');
  await third.close();
}));

test('a truncated tail is discarded at open; appends after it are readable', () => withTempDir(async (dir) => {
  const q = queue(dir);
  await q.open();
  await q.append(batchOf(0, 10));
  await q.append(batchOf(10, 5));
  await q.close();
  const [file] = await segmentFiles(dir);
  const path = join(dir, file!);
  await truncate(path, (await stat(path)).size - 7);

  const again = queue(dir);
  await again.open();
  assert.equal(again.recovery.corruptRegions, 1);
  assert.ok(again.recovery.tornTailBytes > 0);
  await again.append(batchOf(100, 2));
  // The torn write is the last append's batch frame: its 5 records go (their append never resolved after a crash).
  assert.deepEqual(seqAttr(await readAll(again)), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 100, 101]);
  await again.close();
}));

test('full with policy block: append waits for acknowledgements, then succeeds; without them it rejects as retryable', () => withTempDir(async (dir) => {
  const q = queue(dir, { maxBytes: 16 * 1024, fullWaitMs: 3_000 });
  await q.open();
  let appended = 0;
  const waiting = (async () => {
    for (let i = 0; i < 200; i += 1) {
      await q.append(batchOf(i * 10, 10));
      appended += 1;
    }
  })();
  // The writer stalls when the cap is reached; acknowledging what was read lets it go on.
  let read = 0;
  for (let rounds = 0; read < 2000 && rounds < 10_000; rounds += 1) {
    const got = await q.read(50);
    if (got.length === 0) {
      await q.waitForAppend(AbortSignal.timeout(1000));
      continue;
    }
    assert.ok(q.stats().queuedBytes <= 16 * 1024, `queue stays under its cap (${q.stats().queuedBytes})`);
    read += got.length;
    await q.ack(got[got.length - 1]!.seq);
  }
  await waiting;
  assert.equal(appended, 200);
  assert.equal(read, 2000);

  const small = queue(join(dir, 'b'), { maxBytes: 8 * 1024, fullWaitMs: 100 });
  await small.open();
  let error: unknown;
  try {
    for (let i = 0; i < 100; i += 1) await small.append(batchOf(i * 10, 10));
  } catch (e) {
    error = e;
  }
  assert.equal((error as { code?: string }).code, 'FLEETLOG_ERR_QUEUE_FULL');
  assert.equal(isPermanentError(error), false);
  await small.close();
  await q.close();
}));

test('drop_lowest_severity evicts unread DEBUG/INFO oldest first, then WARN, never ERROR/CRITICAL, and counts', () => withTempDir(async (dir) => {
  const dropped: number[] = [];
  const q = queue(dir, { maxBytes: 32 * 1024, fullPolicy: 'drop_lowest_severity', fullWaitMs: 100, events: { fsync() {}, corrupt() {}, droppedByPolicy: (n) => dropped.push(n) } });
  await q.open();
  const levels = [5, 9, 13, 17, 21];
  let sent = 0;
  const bySeverity = new Map<number, number>();
  for (let i = 0; i < 150; i += 1) {
    const severity = levels[i % levels.length]!;
    await q.append(batchOf(i * 5, 5, severity));
    bySeverity.set(severity, (bySeverity.get(severity) ?? 0) + 5);
    sent += 5;
  }
  const kept = await readAll(q);
  const keptBySeverity = new Map<number, number>();
  for (const e of kept) keptBySeverity.set(e.record.severityNumber, (keptBySeverity.get(e.record.severityNumber) ?? 0) + 1);
  const droppedTotal = dropped.reduce((a, b) => a + b, 0);
  assert.ok(droppedTotal > 0, 'something was evicted');
  assert.equal(kept.length + droppedTotal, sent, 'every record is either kept or counted as dropped');
  assert.equal(q.stats().droppedByPolicyRecords, droppedTotal);
  assert.equal(keptBySeverity.get(17), bySeverity.get(17), 'all ERROR kept');
  assert.equal(keptBySeverity.get(21), bySeverity.get(21), 'all CRITICAL kept');
  const lowLost = (bySeverity.get(5)! - (keptBySeverity.get(5) ?? 0)) + (bySeverity.get(9)! - (keptBySeverity.get(9) ?? 0));
  const warnLost = bySeverity.get(13)! - (keptBySeverity.get(13) ?? 0);
  assert.ok(lowLost > 0);
  if (warnLost > 0) assert.equal(keptBySeverity.get(5) ?? 0, 0, 'WARN goes only after DEBUG/INFO are gone');
  const seqs = kept.map((e) => e.seq);
  assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), 'order is kept');
  await q.close();
}));

test('drop_lowest_severity never evicts records already read (in flight)', () => withTempDir(async (dir) => {
  const q = queue(dir, { maxBytes: 16 * 1024, fullPolicy: 'drop_lowest_severity', fullWaitMs: 100 });
  await q.open();
  await q.append(batchOf(0, 20, 9));
  const inFlight = await q.read(20);
  for (let i = 1; i < 40; i += 1) await q.append(batchOf(i * 20, 20, 9));
  await q.ack(inFlight[inFlight.length - 1]!.seq);
  assert.ok(q.stats().droppedByPolicyRecords > 0);
  const rest = await readAll(q);
  assert.ok(rest.every((e) => e.seq > inFlight[inFlight.length - 1]!.seq));
  await q.close();
}));

test('min_free_bytes: below the headroom the queue counts as full', () => withTempDir(async (dir) => {
  const q = queue(dir, { minFreeBytes: Number.MAX_SAFE_INTEGER, fullWaitMs: 50 });
  await q.open();
  await assert.rejects(q.append(batchOf(0, 1)), /full/);
  await q.close();
}));

test('group commit: concurrent appends share fsyncs under batch; always syncs each; interval syncs later', () => withTempDir(async (dir) => {
  const run = async (fsync: DiskQueueOptions['fsync'], name: string): Promise<DiskQueue> => {
    const q = queue(join(dir, name), { fsync, fsyncIntervalMs: 50 });
    await q.open();
    const batches: LogBatch[] = Array.from({ length: 50 }, (_, i) => batchOf(i, 1));
    await Promise.all(batches.map((b) => q.append(b)));
    return q;
  };
  const batch = await run('batch', 'batch');
  const always = await run('always', 'always');
  const interval = await run('interval', 'interval');
  // One directory fsync for the new segment, then a handful of group commits.
  assert.ok(batch.stats().fsyncs <= 5, `batch: ${batch.stats().fsyncs} fsyncs for 50 appends`);
  assert.ok(always.stats().fsyncs >= 50, `always: ${always.stats().fsyncs} fsyncs for 50 appends`);
  assert.equal(interval.stats().fsyncs, 1, 'interval: only the directory sync so far');
  const deadline = Date.now() + 2_000;
  while (interval.stats().fsyncs < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  assert.equal(interval.stats().fsyncs, 2, 'interval: one sync after the interval');
  for (const q of [batch, always, interval]) await q.close();
}));

test('a batch larger than the whole queue goes in chunks as the reader drains; a record larger than it is handed to oversize', () => withTempDir(async (dir) => {
  const oversized: { records: number; reason: string }[] = [];
  const q = queue(dir, { maxBytes: 8 * 1024, fullWaitMs: 200, oversize: async (batch, reason) => { oversized.push({ records: batch.records.length, reason }); } });
  await q.open();
  const big = batchOf(0, 500);
  const appended = q.append(big);
  const got: QueuedRecord[] = [];
  for (let rounds = 0; got.length < 500 && rounds < 10_000; rounds += 1) {
    const some = await q.read(50);
    if (some.length === 0) {
      await q.waitForAppend(AbortSignal.timeout(1000));
      continue;
    }
    assert.ok(q.stats().queuedBytes <= 8 * 1024, `within max_bytes (${q.stats().queuedBytes})`);
    got.push(...some);
    await q.ack(some[some.length - 1]!.seq);
  }
  await appended;
  assert.deepEqual(seqAttr(got), Array.from({ length: 500 }, (_, i) => i));

  const huge = batchOf(1000, 3);
  huge.records[1]!.body = 'x'.repeat(10_000);
  await q.append(huge);
  assert.deepEqual(oversized, [{ records: 1, reason: 'record larger than queue.max_bytes (8192 bytes)' }]);
  assert.deepEqual(seqAttr(await readAll(q)), [1000, 1002]);
  await q.close();

  const strict = queue(join(dir, 'strict'), { maxBytes: 8 * 1024 });
  await strict.open();
  await assert.rejects(strict.append(huge), (e: unknown) => isPermanentError(e), 'without oversize the record is refused for good');
  await strict.close();
}));

test('an unreadable segment is moved to quarantine and counted; the start goes on', () => withTempDir(async (dir) => {
  const q = queue(dir, { segmentBytes: 4096 });
  await q.open();
  for (let i = 0; i < 30; i += 1) await q.append(batchOf(i * 5, 5));
  await q.close();
  const files = await segmentFiles(dir);
  // A directory where a segment file should be: reading it fails with EISDIR, like an I/O error would.
  const victim = join(dir, files[1]!);
  await rm(victim);
  await mkdir(victim);
  const again = queue(dir, { segmentBytes: 4096 });
  await again.open();
  assert.equal(again.recovery.corruptRegions, 1);
  assert.equal(again.recovery.quarantined.length, 1);
  const seqs = seqAttr(await readAll(again));
  assert.ok(seqs.length > 0 && seqs.length < 150);
  assert.ok(!(await segmentFiles(dir)).includes(files[1]!));
  await again.close();
}));

test('damage that appears while running (the last frame of a segment) is skipped and counted; delivery does not stall', () => withTempDir(async (dir) => {
  const first = queue(dir, { segmentBytes: 4096 });
  await first.open();
  for (let i = 0; i < 30; i += 1) await first.append(batchOf(i * 5, 5));
  await first.close();
  // Reopened, the records are read from disk (not from the memory of recent appends) after the damage appears.
  const q = queue(dir, { segmentBytes: 4096 });
  await q.open();
  const files = await segmentFiles(dir);
  const victim = join(dir, files[0]!);
  const bytes = await readFile(victim);
  bytes[bytes.length - 3] = bytes[bytes.length - 3]! ^ 0x10;
  await writeFile(victim, bytes);
  const got = await readAll(q);
  assert.equal(got.length, 145, 'every record but those of the damaged frame (one append of 5)');
  assert.equal(q.stats().corruptRecords, 1);
  await q.ack(got[got.length - 1]!.seq);
  assert.equal(q.stats().queuedRecords, 0);
  assert.equal(q.hasUnread(), false);
  await q.close();
}));

test('records of recent appends are handed out from memory: damage on disk after the append does not touch them', () => withTempDir(async (dir) => {
  const q = queue(dir, { segmentBytes: 4096 });
  await q.open();
  for (let i = 0; i < 30; i += 1) await q.append(batchOf(i * 5, 5));
  for (const name of await segmentFiles(dir)) {
    const bytes = await readFile(join(dir, name));
    bytes[bytes.length - 3] = bytes[bytes.length - 3]! ^ 0x10;
    await writeFile(join(dir, name), bytes);
  }
  const got = await readAll(q);
  assert.deepEqual(seqAttr(got), Array.from({ length: 150 }, (_, i) => i));
  assert.equal(q.stats().corruptRecords, 0);
  await q.ack(got[got.length - 1]!.seq);
  assert.equal(q.stats().queuedRecords, 0);
  await q.close();
}));

test('one batch appended to two queues (a pipeline with two exporters) is encoded once and reads back the same from each', () => withTempDir(async (dir) => {
  const a = queue(join(dir, 'a'));
  const b = queue(join(dir, 'b'));
  await a.open();
  await b.open();
  await a.append(batchOf(1, 2, 9, { 'device.id': 'vm-0' }));
  const batch = batchOf(3, 3, 13);
  batch.records[1]!.body = 'Ünïcødé € 🚀';
  await Promise.all([a.append(batch), b.append(batch)]);
  assert.equal(encodeRecords(batch.records), encodeRecords(batch.records), 'the batch\'s encoding is reused');
  assert.notEqual(encodeRecords(batch.records), encodeRecords([...batch.records]), 'keyed by the batch, not by equal records');
  await b.append(batch); // a retried append of the same batch: queued again (at-least-once), same encoding
  const fromA = await readAll(a);
  const fromB = await readAll(b);
  assert.deepEqual(seqAttr(fromA), [1, 2, 3, 4, 5]);
  assert.deepEqual(seqAttr(fromB), [3, 4, 5, 3, 4, 5]);
  assert.deepEqual(fromA.slice(2).map((e) => [e.record, e.resource]), batch.records.map((r) => [r, batch.resource]));
  assert.deepEqual(fromB.slice(0, 3).map((e) => [e.record, e.bytes]), fromA.slice(2).map((e) => [e.record, e.bytes]));
  assert.deepEqual(fromB.map((e) => e.seq), [1, 2, 3, 4, 5, 6]);
  await a.close();
  await b.close();
}));

test('records handed out from memory (recent appends) equal those decoded from disk after a restart; past the bound, reads decode', () => withTempDir(async (dir) => {
  let q = queue(dir);
  await q.open();
  const batches = Array.from({ length: 20 }, (_, i) => batchOf(i * 1000, 1000, [5, 9, 13, 17][i % 4]));
  for (const b of batches) await q.append(b); // 20,000 records: more than the queue keeps in memory
  const live = await readAll(q);
  assert.deepEqual(seqAttr(live), batches.flatMap((b) => b.records.map((r) => r.attributes.seq as number)));
  await q.close();
  q = queue(dir);
  await q.open();
  const recovered = await readAll(q);
  assert.deepEqual(recovered.map((e) => [e.seq, e.record, e.resource, e.bytes, e.enqueuedAtMs]), live.map((e) => [e.seq, e.record, e.resource, e.bytes, e.enqueuedAtMs]));
  await q.close();
}));

// Model-based test of the disk queue: random appends, reads, acknowledgements and reopenings, with tiny segments so
// that segments roll and get deleted all the time. Whatever happens, reads return exactly the appended records in
// order, minus the acknowledged prefix — after a reopen, the read-but-unacknowledged ones come back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { DiskQueue } from './disk-queue.js';
import type { LogRecord } from '../component/log-record.js';
import type { QueuedRecord } from './queue.js';
import { batchOf } from './test-support.js';

type Op =
  | { op: 'append'; count: number; resource: number }
  | { op: 'read'; max: number }
  | { op: 'ack'; count: number }
  | { op: 'reopen' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('append' as const), count: fc.integer({ min: 1, max: 40 }), resource: fc.integer({ min: 0, max: 2 }) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('read' as const), max: fc.integer({ min: 1, max: 60 }) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('ack' as const), count: fc.integer({ min: 0, max: 60 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('reopen' as const) }) },
);

const open = async (dir: string, segmentBytes = 2048, maxBytes = 1 << 22): Promise<DiskQueue> => {
  const q = new DiskQueue({
    directory: dir, maxBytes, minFreeBytes: 0, segmentBytes, fsync: 'batch', fsyncIntervalMs: 1000,
    fullPolicy: 'block', fullWaitMs: 1000, ackPersistDelayMs: 0,
  });
  await q.open();
  return q;
};

test('reads return the appended records in order, minus the acknowledged prefix, across reopenings', async () => {
  await fc.assert(fc.asyncProperty(fc.array(opArb, { minLength: 5, maxLength: 40 }), async (ops) => {
    const dir = await mkdtemp(join(tmpdir(), 'fleetlog-queue-model-'));
    let q = await open(dir);
    try {
      const appended: { id: number; resource: string }[] = [];
      let acked = 0;
      /** Read but not acknowledged, with their queue seqs. */
      let inFlight: { id: number; seq: number }[] = [];
      let next = 0;
      for (const op of ops) {
        if (op.op === 'append') {
          const resource = `vm-${op.resource}`;
          await q.append(batchOf(next, op.count, 9, { 'device.id': resource }));
          for (let i = 0; i < op.count; i += 1) appended.push({ id: next + i, resource });
          next += op.count;
        } else if (op.op === 'read') {
          const got = await q.read(op.max);
          const from = acked + inFlight.length;
          const expected = appended.slice(from, from + op.max);
          assert.deepEqual(got.map((r) => r.record.attributes.seq), expected.map((e) => e.id));
          assert.deepEqual(got.map((r) => r.resource['device.id']), expected.map((e) => e.resource));
          inFlight.push(...got.map((r) => ({ id: r.record.attributes.seq as number, seq: r.seq })));
        } else if (op.op === 'ack') {
          const count = Math.min(op.count, inFlight.length);
          if (count > 0) {
            await q.ack(inFlight[count - 1]!.seq);
            acked += count;
            inFlight = inFlight.slice(count);
          }
        } else {
          await q.close();
          q = await open(dir);
          inFlight = [];
        }
        assert.equal(q.stats().queuedRecords, appended.length - acked, `queuedRecords after ${op.op}`);
      }
      await q.close();
      q = await open(dir);
      const rest = [];
      for (let got = await q.read(100); got.length > 0; got = await q.read(100)) rest.push(...got);
      assert.deepEqual(rest.map((r) => r.record.attributes.seq), appended.slice(acked).map((e) => e.id));
      if (rest.length > 0) await q.ack(rest[rest.length - 1]!.seq);
      await q.close();
      const segments = (await readdir(dir)).filter((n) => n.startsWith('seg-'));
      assert.ok(segments.length <= 1, `fully acknowledged segments are deleted (left: ${segments.join(', ')})`);
    } finally {
      await q.close();
      await rm(dir, { recursive: true, force: true });
    }
  }), { numRuns: 40 });
});

test('appends racing writes: concurrent appends to three queues, one batch fanned out to two of them, big and small, all read back from disk as appended', async () => {
  // Every queue reuses one buffer for its writes' frames and the batches share a few reused JSON writers: what each
  // queue holds after a reopen (read from its segments, every CRC checked) must be exactly what was appended to it.
  // Up to 600 records of up to 2 KB: some writes pass the 1 MiB a queue keeps its write buffer at.
  const appendArb = fc.record({ count: fc.integer({ min: 1, max: 600 }), to: fc.constantFrom('a', 'b', 'ab', 'c'), body: fc.nat(2000) });
  await fc.assert(fc.asyncProperty(fc.array(appendArb, { minLength: 1, maxLength: 12 }), async (appends) => {
    const dir = await mkdtemp(join(tmpdir(), 'fleetlog-queue-race-'));
    const names = ['a', 'b', 'c'] as const;
    const queues = new Map<string, DiskQueue>();
    for (const name of names) queues.set(name, await open(join(dir, name), 1 << 16, 1 << 26));
    try {
      const expected = new Map<string, LogRecord[]>(names.map((n) => [n, []]));
      const pending: Promise<void>[] = [];
      let next = 0;
      for (const a of appends) {
        const batch = batchOf(next, a.count, 9, { 'device.id': `vm-${a.to}` });
        for (const r of batch.records) r.body = `${'x'.repeat(a.body)} ${r.attributes.seq as number}`;
        next += a.count;
        for (const name of a.to) {
          pending.push(queues.get(name)!.append(batch)); // not awaited: appends queue up behind writes in flight
          expected.get(name)!.push(...batch.records);
        }
      }
      await Promise.all(pending);
      for (const name of names) {
        await queues.get(name)!.close();
        const q = await open(join(dir, name), 1 << 16, 1 << 26);
        queues.set(name, q);
        const got: QueuedRecord[] = [];
        for (let batch = await q.read(1000); batch.length > 0; batch = await q.read(1000)) got.push(...batch);
        assert.equal(q.stats().corruptRecords, 0);
        assert.deepEqual(got.map((r) => r.record), expected.get(name));
      }
    } finally {
      for (const q of queues.values()) await q.close();
      await rm(dir, { recursive: true, force: true });
    }
  }), { numRuns: 25 });
});

type DamageOp = Op | { op: 'flip'; segment: number; at: number };

const damageOpArb: fc.Arbitrary<DamageOp> = fc.oneof(
  { weight: 10, arbitrary: opArb },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('flip' as const), segment: fc.nat(), at: fc.double({ min: 0, max: 1, noNaN: true }) }) },
);

test('with bytes flipped on disk at random: reads stay in order, each flip loses at most one frame (one append\'s records), nothing stalls', async () => {
  await fc.assert(fc.asyncProperty(fc.array(damageOpArb, { minLength: 5, maxLength: 40 }), async (ops) => {
    const dir = await mkdtemp(join(tmpdir(), 'fleetlog-queue-damage-'));
    let q = await open(dir);
    try {
      let next = 0;
      let flips = 0;
      let largestAppend = 0;
      const seen = new Set<number>();
      let inFlight: { id: number; seq: number }[] = [];
      let lastAckedId = -1;
      const check = (ids: number[]): void => {
        for (let i = 1; i < ids.length; i += 1) assert.ok(ids[i]! > ids[i - 1]!, `in order: ${ids.join(',')}`);
        for (const id of ids) assert.ok(id < next && id > lastAckedId, `id ${id} was appended and not acknowledged`);
      };
      for (const op of ops) {
        if (op.op === 'append') {
          await q.append(batchOf(next, op.count, 9, { 'device.id': `vm-${op.resource}` }));
          next += op.count;
          largestAppend = Math.max(largestAppend, op.count);
        } else if (op.op === 'read') {
          const got = await q.read(op.max);
          const ids = got.map((r) => r.record.attributes.seq as number);
          check([...inFlight.map((f) => f.id), ...ids]);
          ids.forEach((id) => seen.add(id));
          inFlight.push(...got.map((r) => ({ id: r.record.attributes.seq as number, seq: r.seq })));
        } else if (op.op === 'ack') {
          const count = Math.min(op.count, inFlight.length);
          if (count > 0) {
            await q.ack(inFlight[count - 1]!.seq);
            lastAckedId = inFlight[count - 1]!.id;
            inFlight = inFlight.slice(count);
          }
        } else if (op.op === 'reopen') {
          await q.close();
          q = await open(dir);
          inFlight = [];
        } else {
          const segments = (await readdir(dir)).filter((n) => n.startsWith('seg-')).sort();
          if (segments.length === 0) continue;
          const path = join(dir, segments[op.segment % segments.length]!);
          const bytes = await readFile(path);
          if (bytes.length === 0) continue;
          const at = Math.min(bytes.length - 1, Math.floor(op.at * bytes.length));
          bytes[at] = bytes[at]! ^ 0x5a;
          await writeFile(path, bytes);
          flips += 1;
        }
      }
      await q.close();
      q = await open(dir);
      let rest: number[] = [];
      let lastSeq = 0;
      for (let got = await q.read(100), rounds = 0; got.length > 0 && rounds < 10_000; got = await q.read(100), rounds += 1) {
        rest = rest.concat(got.map((r) => r.record.attributes.seq as number));
        lastSeq = got[got.length - 1]!.seq;
      }
      check(rest);
      rest.forEach((id) => seen.add(id));
      const neverRead = Array.from({ length: next }, (_, i) => i).filter((id) => id > lastAckedId && !seen.has(id));
      // A flip damages one frame: the records of one append at most (appends here are below MAX_BATCH_FRAME_RECORDS).
      assert.ok(neverRead.length <= flips * largestAppend, `${neverRead.length} records lost to ${flips} flipped bytes (appends of up to ${largestAppend})`);
      if (lastSeq > 0) await q.ack(lastSeq);
      assert.equal(q.hasUnread(), false, 'nothing left that cannot be read');
      assert.equal(q.stats().queuedRecords, 0);
    } finally {
      await q.close();
      await rm(dir, { recursive: true, force: true });
    }
  }), { numRuns: 60 });
});

type EvictOp = Op | { op: 'appendMixed'; count: number; resource: number; seed: number };

const evictOpArb: fc.Arbitrary<EvictOp> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('appendMixed' as const), count: fc.integer({ min: 1, max: 6 }), resource: fc.integer({ min: 0, max: 1 }), seed: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('read' as const), max: fc.integer({ min: 1, max: 30 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('ack' as const), count: fc.integer({ min: 0, max: 30 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('reopen' as const) }) },
);

test('with drop_lowest_severity on a small queue: reads stay in order and are the appended records; only DEBUG/INFO/WARN ever go missing', async () => {
  const SEVERITIES = [5, 9, 9, 13, 17, 21, 0];
  let dropped = 0;
  let runsWithDrops = 0;
  // Appends stay under a quarter of max_bytes (one chunk), so a full queue rejects them rather than waiting.
  const openSmall = (dir: string): Promise<DiskQueue> => {
    const q = new DiskQueue({
      directory: dir, maxBytes: 12 * 1024, minFreeBytes: 0, segmentBytes: 2048, fsync: 'batch', fsyncIntervalMs: 1000,
      fullPolicy: 'drop_lowest_severity', fullWaitMs: 20, ackPersistDelayMs: 0, events: { fsync() {}, corrupt() {}, droppedByPolicy: (n) => { dropped += n; } },
    });
    return q.open().then(() => q);
  };
  await fc.assert(fc.asyncProperty(fc.array(evictOpArb, { minLength: 20, maxLength: 80 }), async (ops) => {
    const dir = await mkdtemp(join(tmpdir(), 'fleetlog-queue-evict-'));
    dropped = 0;
    let q = await openSmall(dir);
    try {
      const appended = new Map<number, { severity: number; resource: string; body: string }>();
      const seen = new Set<number>();
      let next = 0;
      let lastAckedId = -1;
      let lastReadId = -1;
      let inFlight: { id: number; seq: number }[] = [];
      const take = (got: QueuedRecord[]): void => {
        for (const r of got) {
          const id = r.record.attributes.seq as number;
          const a = appended.get(id);
          assert.ok(a !== undefined && id > lastAckedId, `id ${id} was appended and not acknowledged`);
          assert.ok(id > lastReadId, `in order: ${id} after ${lastReadId}`);
          assert.deepEqual([r.record.severityNumber, r.resource['device.id'], r.record.body], [a.severity, a.resource, a.body]);
          lastReadId = id;
          seen.add(id);
        }
      };
      for (const op of ops) {
        if (op.op === 'appendMixed') {
          const resource = `vm-${op.resource}`;
          const batch = batchOf(next, op.count, 9, { 'device.id': resource });
          batch.records.forEach((r, i) => {
            r.severityNumber = SEVERITIES[(op.seed + i * 7) % SEVERITIES.length]!;
            r.body = `line ${next + i} ${'x'.repeat((op.seed + i) % 300)}`;
          });
          try {
            await q.append(batch);
            batch.records.forEach((r, i) => appended.set(next + i, { severity: r.severityNumber, resource, body: r.body as string }));
          } catch (error) {
            assert.equal((error as { code?: string }).code, 'FLEETLOG_ERR_QUEUE_FULL');
          }
          next += op.count;
        } else if (op.op === 'read') {
          const got = await q.read(op.max);
          take(got);
          inFlight.push(...got.map((r) => ({ id: r.record.attributes.seq as number, seq: r.seq })));
        } else if (op.op === 'ack') {
          const count = Math.min(op.count, inFlight.length);
          if (count > 0) {
            await q.ack(inFlight[count - 1]!.seq);
            lastAckedId = inFlight[count - 1]!.id;
            inFlight = inFlight.slice(count);
          }
        } else if (op.op === 'reopen') {
          await q.close();
          q = await openSmall(dir);
          inFlight = [];
          lastReadId = lastAckedId;
        }
      }
      await q.close();
      q = await openSmall(dir);
      lastReadId = lastAckedId;
      for (let got = await q.read(50), rounds = 0; got.length > 0 && rounds < 10_000; got = await q.read(50), rounds += 1) take(got);
      const missing = [...appended].filter(([id]) => id > lastAckedId && !seen.has(id));
      assert.ok(missing.every(([, a]) => a.severity < 17), `only evictable records go missing: ${missing.map(([id, a]) => `${id}/${a.severity}`).join(', ')}`);
      if (dropped > 0) runsWithDrops += 1;
    } finally {
      await q.close();
      await rm(dir, { recursive: true, force: true });
    }
  }), { numRuns: 50 });
  assert.ok(runsWithDrops > 0, 'the drop policy was exercised');
});

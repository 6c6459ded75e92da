// The acceptance points at the node level: what is queued survives a restart; a tiny queue with the
// destination down back-pressures the producer and loses nothing; drop_lowest_severity evicts only DEBUG/INFO/WARN.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdir, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isPermanentError } from '../component/errors.js';
import { sendDrop, sendOk, sendRetry } from '../component/send-result.js';
import { DELIVERY_METRIC_NAMES } from './delivery-metrics.js';
import { createDeliveryNode } from './delivery-node.js';
import { handToInbox } from './replay-inbox.js';
import { RecordingMeter, ScriptedExporter, batchOf, fastConfig, seqsOf, testSettings, until, withTempDir } from './test-support.js';

test('records queued while the destination is down are delivered after a restart, in order', () => withTempDir(async (dir) => {
  const down = new ScriptedExporter(() => sendRetry('connection refused'));
  const first = createDeliveryNode({ settings: testSettings(), exporter: down, directory: dir, config: fastConfig(), shutdownTimeoutMs: 100 });
  await first.start();
  for (let i = 0; i < 5; i += 1) await first.consume(batchOf(i * 20, 20));
  await until(() => down.attempts.length >= 2, 2_000, 'failing attempts');
  assert.equal(first.stats().queuedRecords, 100);
  await first.shutdown();

  const up = new ScriptedExporter();
  const second = createDeliveryNode({ settings: testSettings(), exporter: up, directory: dir, config: fastConfig() });
  await second.start();
  await until(() => seqsOf(up.accepted).length >= 100, 5_000, 'delivery after restart');
  assert.deepEqual(seqsOf(up.accepted), Array.from({ length: 100 }, (_, i) => i));
  await until(() => second.stats().queuedRecords === 0, 2_000, 'queue drained');
  await second.shutdown();
}));

test('a tiny queue with the destination down back-pressures the producer; nothing is lost when it returns', () => withTempDir(async (dir) => {
  let sinkUp = false;
  const exporter = new ScriptedExporter(() => (sinkUp ? sendOk() : sendRetry('503')));
  const node = createDeliveryNode({
    settings: testSettings(), exporter, directory: dir, fullWaitMs: 50,
    config: fastConfig({ queue: { max_bytes: '16KiB' }, retry: { initial_interval: 5, max_interval: 20 } }),
  });
  await node.start();
  let refusals = 0;
  const total = 400;
  // A receiver's behaviour: a batch is retried until consume() resolves (its checkpoint waits for that).
  for (let i = 0; i < total; i += 10) {
    for (let attempt = 0; ; attempt += 1) {
      try {
        await node.consume(batchOf(i, 10));
        break;
      } catch (error) {
        assert.equal(isPermanentError(error), false);
        assert.equal((error as { code?: string }).code, 'FLEETLOG_ERR_QUEUE_FULL');
        refusals += 1;
        if (refusals === 3) sinkUp = true;
        assert.ok(attempt < 200, 'the producer is not refused for ever once the sink is back');
      }
    }
    assert.ok(node.stats().queuedBytes <= 16 * 1024);
  }
  assert.ok(refusals >= 3, 'the producer was back-pressured');
  await until(() => seqsOf(exporter.accepted).length >= total, 10_000, 'everything delivered');
  const seqs = seqsOf(exporter.accepted);
  assert.deepEqual(seqs, Array.from({ length: total }, (_, i) => i), '0 lost, in order');
  await node.shutdown();
}));

test('drop_lowest_severity with the destination down: only DEBUG/INFO/WARN are evicted, and the count is reported', () => withTempDir(async (dir) => {
  let sinkUp = false;
  const exporter = new ScriptedExporter(() => (sinkUp ? sendOk() : sendRetry('503')));
  const meter = new RecordingMeter();
  const node = createDeliveryNode({
    settings: testSettings('x', meter), exporter, directory: dir, fullWaitMs: 50,
    config: fastConfig({ queue: { max_bytes: '24KiB', full_policy: 'drop_lowest_severity' }, retry: { initial_interval: 5, max_interval: 20 } }),
  });
  await node.start();
  try {
    const levels = [5, 9, 13, 17, 21];
    const sent = new Map<number, number>();
    for (let i = 0; i < 100; i += 1) {
      const severity = levels[i % 5]!;
      await node.consume(batchOf(i * 4, 4, severity));
      sent.set(severity, (sent.get(severity) ?? 0) + 4);
    }
    const dropped = node.stats().droppedByPolicyRecords;
    assert.ok(dropped > 0);
    assert.equal(meter.values.get(DELIVERY_METRIC_NAMES.droppedRecords), dropped);
    sinkUp = true;
    await until(() => node.stats().queuedRecords === 0, 10_000, 'drained');
    const delivered = new Map<number, number>();
    for (const b of exporter.accepted) for (const r of b.records) delivered.set(r.severityNumber, (delivered.get(r.severityNumber) ?? 0) + 1);
    assert.equal(delivered.get(17), sent.get(17), 'every ERROR delivered');
    assert.equal(delivered.get(21), sent.get(21), 'every CRITICAL delivered');
    const deliveredTotal = [...delivered.values()].reduce((a, b) => a + b, 0);
    assert.equal(deliveredTotal + dropped, 400, 'delivered + evicted = produced');
  } finally {
    await node.shutdown();
  }
}));

test('a flipped byte and a torn tail in the queue: the good records are delivered, the bad frames counted, no crash', () => withTempDir(async (dir) => {
  const down = new ScriptedExporter(() => sendRetry('down'));
  const first = createDeliveryNode({ settings: testSettings(), exporter: down, directory: dir, config: fastConfig({ queue: { segment_bytes: 4096 } }), shutdownTimeoutMs: 50 });
  await first.start();
  for (let i = 0; i < 40; i += 1) await first.consume(batchOf(i * 5, 5));
  await first.shutdown();
  const segments = (await readdir(dir)).filter((n) => n.startsWith('seg-')).sort();
  assert.ok(segments.length >= 3);
  const middle = join(dir, segments[1]!);
  const bytes = await readFile(middle);
  const at = Math.floor(bytes.length / 2);
  bytes[at] = bytes[at]! ^ 0x01;
  await writeFile(middle, bytes);
  const last = join(dir, segments[segments.length - 1]!);
  await truncate(last, (await stat(last)).size - 3);

  const meter = new RecordingMeter();
  const up = new ScriptedExporter();
  const second = createDeliveryNode({ settings: testSettings('x', meter), exporter: up, directory: dir, config: fastConfig({ queue: { segment_bytes: 4096 } }) });
  await second.start();
  await until(() => second.stats().queuedRecords === 0, 5_000, 'drained');
  const seqs = seqsOf(up.accepted);
  assert.equal(seqs.length, 190, 'one append\'s batch frame (5 records) lost to the flipped byte, the last one to the torn tail');
  assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b));
  assert.equal(seqs[seqs.length - 1], 194, 'the torn frame is the last append');
  assert.equal(second.stats().corruptRecords, 2);
  assert.equal(meter.values.get(DELIVERY_METRIC_NAMES.corruptRecords), 2);
  await second.shutdown();
}));

test('idle means idle: once drained, nothing in the queue folder changes and no fsync happens', () => withTempDir(async (dir) => {
  const exporter = new ScriptedExporter();
  const node = createDeliveryNode({ settings: testSettings(), exporter, directory: dir, config: fastConfig({ queue: { fsync: 'interval', fsync_interval: 50 } }) });
  await node.start();
  for (let i = 0; i < 5; i += 1) await node.consume(batchOf(i * 10, 10));
  await until(() => node.stats().sentRecords === 50 && node.stats().queuedRecords === 0, 5_000, 'drained');
  const snapshot = async (): Promise<string> => {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    const files = await Promise.all(entries.filter((e) => e.isFile()).map(async (e) => {
      const path = join(e.parentPath, e.name);
      const s = await stat(path);
      return `${path} ${s.size} ${s.mtimeMs}`;
    }));
    return `${files.sort().join('\n')}\nfsyncs ${node.stats().fsyncs}`;
  };
  // Let the last acknowledgement (100 ms) and the interval fsync (50 ms) happen, then watch.
  await new Promise((resolve) => setTimeout(resolve, 400));
  const before = await snapshot();
  await new Promise((resolve) => setTimeout(resolve, 1_200));
  assert.equal(await snapshot(), before);
  await node.shutdown();
}));

test('dead letters handed to a running node through the replay inbox are re-queued and sent', () => withTempDir(async (dir) => {
  let refuse = true;
  const exporter = new ScriptedExporter(() => (refuse ? sendDrop('400 schema') : sendOk()));
  const node = createDeliveryNode({ settings: testSettings(), exporter, directory: dir, config: fastConfig() });
  await node.start();
  await node.consume(batchOf(0, 4));
  await until(() => node.stats().deadLetteredRecords === 4, 5_000, 'dead-lettered');
  refuse = false;
  assert.equal(await handToInbox(dir), 1);
  await until(() => seqsOf(exporter.accepted).length === 4, 5_000, 're-queued from the inbox and sent');
  assert.deepEqual(seqsOf(exporter.accepted), [0, 1, 2, 3]);
  await until(async () => (await readdir(join(dir, 'replay-inbox'))).length === 0, 5_000, 'inbox emptied');
  await node.shutdown();
}));

test('a queue folder held by another live process: start fails with the owner named; shutdown leaves the folder alone', () => withTempDir(async (dir) => {
  const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
  try {
    await writeFile(join(dir, 'queue.lock'), `${other.pid}\n`);
    const node = createDeliveryNode({ settings: testSettings(), exporter: new ScriptedExporter(), directory: dir, config: fastConfig() });
    await assert.rejects(node.start(), /in use by process \d+/);
    await node.shutdown();
    assert.deepEqual((await readdir(dir)).sort(), ['queue.lock']);
    assert.equal((await readFile(join(dir, 'queue.lock'), 'utf8')).trim(), String(other.pid));
  } finally {
    other.kill('SIGKILL');
  }
}));

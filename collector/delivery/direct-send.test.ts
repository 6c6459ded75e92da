// `queue.mode: direct`: consume() resolves only once the exporter took the batch; retry rejects (the receiver keeps
// the data), drop dead-letters, order is kept — and no queue is written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { isPermanentError } from '../component/errors.js';
import type { LogBatch } from '../component/log-record.js';
import { sendDrop, sendOk, sendRetry } from '../component/send-result.js';
import { DeadLetters } from './dead-letters.js';
import { DELIVERY_METRIC_NAMES } from './delivery-metrics.js';
import { createDeliveryNode } from './delivery-node.js';
import { DiskQueue } from './disk-queue.js';
import { replayDeadLetters } from './replay-dead-letters.js';
import { RecordingMeter, ScriptedExporter, batchOf, fastConfig, seqsOf, testSettings, until, withTempDir } from './test-support.js';
import type { DeliveryYaml } from './config.js';

const directNode = (dir: string, exporter: ScriptedExporter, yaml: DeliveryYaml = {}, meter = new RecordingMeter(), statuses: string[] = []) =>
  createDeliveryNode({ settings: testSettings('file/test', meter, dir, statuses), exporter, directory: dir, config: fastConfig({ ...yaml, queue: { mode: 'direct', ...yaml.queue } }) });

/** What a receiver does with a rejected consume(): keeps the batch and offers it again after a pause. */
async function consumeLikeAReceiver(n: { consume(b: LogBatch): Promise<void> }, batch: LogBatch, pauseMs = 5): Promise<number> {
  for (let rejections = 0; ; rejections += 1) {
    try {
      await n.consume(batch);
      return rejections;
    } catch (error) {
      assert.ok(!isPermanentError(error), 'a retry is never a permanent refusal');
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  }
}

test('direct: consume() resolves only after send() answered ok, in batch.max_records parts, with nothing queued', () => withTempDir(async (dir) => {
  let release: () => void = () => {};
  const exporter = new ScriptedExporter((_b, attempt) => (attempt === 0 ? new Promise((resolve) => { release = () => resolve(sendOk()); }) : sendOk()));
  const meter = new RecordingMeter();
  const n = directNode(dir, exporter, { batch: { max_records: 4 } }, meter);
  await n.start();
  let resolved = false;
  const consumed = n.consume(batchOf(0, 10)).then(() => { resolved = true; });
  await new Promise((resolve) => setTimeout(resolve, 30));
  assert.equal(exporter.attempts.length, 1, 'the first part is being sent');
  assert.equal(resolved, false, 'consume waits for the exporter');
  release();
  await consumed;
  assert.deepEqual(exporter.accepted.map((b) => b.records.length), [4, 4, 2]);
  assert.deepEqual(seqsOf(exporter.accepted), Array.from({ length: 10 }, (_, i) => i));
  const stats = n.stats();
  assert.equal(stats.sentRecords, 10);
  assert.equal(stats.queuedRecords, 0);
  assert.equal(stats.fsyncs, 0);
  assert.equal(meter.values.get(DELIVERY_METRIC_NAMES.sentRecords), 10);
  assert.deepEqual((await readdir(dir)).filter((name) => name.endsWith('.seg') || name === 'segments'), [], 'no queue segments written');
  await n.shutdown();
  assert.equal(exporter.stopped, 1);
}));

test('direct: batch.max_bytes splits a batch too', () => withTempDir(async (dir) => {
  const exporter = new ScriptedExporter();
  const n = directNode(dir, exporter, { batch: { max_records: 1000, max_bytes: 600 } });
  await n.start();
  await n.consume(batchOf(0, 12));
  assert.ok(exporter.accepted.length > 1, `split into ${exporter.accepted.length} sends`);
  assert.deepEqual(seqsOf(exporter.accepted), Array.from({ length: 12 }, (_, i) => i));
  await n.shutdown();
}));

test('direct: retry rejects (retryable) and nothing is lost when the receiver offers the batch again', () => withTempDir(async (dir) => {
  const exporter = new ScriptedExporter((_b, attempt) => (attempt < 3 ? sendRetry('disk full') : sendOk()));
  const statuses: string[] = [];
  const n = directNode(dir, exporter, {}, new RecordingMeter(), statuses);
  await n.start();
  await assert.rejects(n.consume(batchOf(0, 5)), (error: Error & { code?: string }) => error.code === 'FLEETLOG_ERR_DIRECT_SEND' && /disk full/.test(error.message));
  const rejections = await consumeLikeAReceiver(n, batchOf(0, 5));
  assert.equal(rejections, 2);
  assert.deepEqual(seqsOf(exporter.accepted), [0, 1, 2, 3, 4]);
  const stats = n.stats();
  assert.equal(stats.sentRecords, 5);
  assert.equal(stats.sendFailedRecords, 15);
  assert.equal(stats.retries, 3);
  assert.equal(stats.lastError, 'disk full');
  assert.deepEqual(statuses, ['recoverable_error', 'ok']);
  await n.shutdown();
}));

test('direct: no attempt is accepted before retryAfterMs has passed', () => withTempDir(async (dir) => {
  const exporter = new ScriptedExporter((_b, attempt) => (attempt === 0 ? sendRetry('busy', 150) : sendOk()));
  const n = directNode(dir, exporter);
  await n.start();
  await assert.rejects(n.consume(batchOf(0, 1)));
  await consumeLikeAReceiver(n, batchOf(0, 1), 10);
  assert.equal(exporter.attempts.length, 2, 'early offers are refused without calling the exporter');
  const gap = exporter.attempts[1]!.atMs - exporter.attempts[0]!.atMs;
  assert.ok(gap >= 148, `second attempt after ${gap} ms, retryAfterMs was 150`);
  await n.shutdown();
}));

test('direct: a dropped part goes to the dead letters and consume resolves; the rest is sent', () => withTempDir(async (dir) => {
  const exporter = new ScriptedExporter((batch) => (batch.records.some((r) => r.body === 'poison') ? sendDrop('bad path') : sendOk()));
  const meter = new RecordingMeter();
  const n = directNode(dir, exporter, { batch: { max_records: 1 } }, meter);
  await n.start();
  const poisoned = batchOf(0, 3);
  poisoned.records[1]!.body = 'poison';
  await n.consume(poisoned);
  assert.deepEqual(seqsOf(exporter.accepted), [0, 2]);
  const files = await new DeadLetters(dir, 'x').list();
  assert.equal(files.length, 1);
  const line = JSON.parse((await readFile(files[0]!.path, 'utf8')).trim()) as { reason: string; exporter: string; record: { body: string } };
  assert.equal(line.reason, 'bad path');
  assert.equal(line.exporter, 'file/test');
  assert.equal(line.record.body, 'poison');
  assert.equal(n.stats().deadLetteredRecords, 1);
  assert.equal(meter.values.get(DELIVERY_METRIC_NAMES.deadLetteredRecords), 1);
  await n.shutdown();
}));

test('direct: concurrent consumes are sent one at a time, in call order', () => withTempDir(async (dir) => {
  let inFlight = 0;
  let most = 0;
  const exporter = new ScriptedExporter(async () => {
    inFlight += 1;
    most = Math.max(most, inFlight);
    await new Promise((resolve) => setTimeout(resolve, 2));
    inFlight -= 1;
    return sendOk();
  });
  const n = directNode(dir, exporter, { batch: { max_records: 3 } });
  await n.start();
  await Promise.all(Array.from({ length: 8 }, (_, i) => n.consume(batchOf(i * 5, 5))));
  assert.equal(most, 1, 'one send in flight');
  assert.deepEqual(seqsOf(exporter.accepted), Array.from({ length: 40 }, (_, i) => i));
  await n.shutdown();
}));

test('direct: shutdown cancels a hanging send at its deadline and refuses new batches', () => withTempDir(async (dir) => {
  const exporter = new ScriptedExporter((_b, _a, signal) => new Promise((resolve) => {
    signal.addEventListener('abort', () => resolve(sendRetry('aborted')), { once: true });
  }));
  const n = createDeliveryNode({ settings: testSettings(), exporter, directory: dir, config: fastConfig({ queue: { mode: 'direct' } }), shutdownTimeoutMs: 200 });
  await n.start();
  const consumed = n.consume(batchOf(0, 3)).then(() => undefined, (error: Error) => error);
  await until(() => exporter.attempts.length === 1, 2_000, 'the hanging send');
  const started = Date.now();
  await n.shutdown();
  assert.ok(Date.now() - started < 1_500, 'shutdown keeps its deadline');
  assert.match(String(await consumed), /aborted/, 'consume rejects: the receiver keeps the batch');
  await assert.rejects(n.consume(batchOf(3, 1)), /shutting down/);
  assert.equal(n.stats().sentRecords, 0);
}));

test('direct: records a durable-mode queue left in the folder are sent first, in order, before new batches', () => withTempDir(async (dir) => {
  const old = new DiskQueue({ ...fastConfig().queue, directory: dir, fullWaitMs: 1_000 });
  await old.open();
  await old.append(batchOf(0, 5));
  await old.append(batchOf(5, 5, 9, { 'device.id': 'vm-2' }));
  await old.close();
  const exporter = new ScriptedExporter((_b, attempt) => (attempt === 0 ? sendRetry('not yet') : sendOk()));
  const n = directNode(dir, exporter);
  await n.start();
  await consumeLikeAReceiver(n, batchOf(10, 2));
  assert.deepEqual(seqsOf(exporter.accepted), Array.from({ length: 12 }, (_, i) => i), 'left-over records first, then the new batch');
  assert.deepEqual(exporter.accepted.map((b) => b.resource['device.id']), ['vm-1', 'vm-2', 'vm-1'], 'one resource per batch');
  await n.shutdown();
  const reopened = new DiskQueue({ ...fastConfig().queue, directory: dir, fullWaitMs: 1_000 });
  await reopened.open();
  assert.equal(reopened.stats().queuedRecords, 0, 'the left-over records are acknowledged');
  await reopened.close();
}));

test('direct: replay-dead-letters hands the files to the inbox, and the node sends them', () => withTempDir(async (dir) => {
  let refuse = true;
  const exporter = new ScriptedExporter(() => (refuse ? sendDrop('read-only') : sendOk()));
  const config = fastConfig({ queue: { mode: 'direct' } });
  const n = createDeliveryNode({ settings: testSettings('file/test', new RecordingMeter(), dir), exporter, directory: dir, config });
  await n.start();
  await n.consume(batchOf(0, 3));
  assert.equal((await new DeadLetters(dir, 'x').list()).length, 1);
  refuse = false;
  const report = await replayDeadLetters(dir, config);
  assert.equal(report.movedToInbox, true);
  assert.equal(report.files, 1);
  await until(() => exporter.accepted.length === 1, 5_000, 'the replayed records sent');
  assert.deepEqual(seqsOf(exporter.accepted), [0, 1, 2]);
  assert.equal((await new DeadLetters(dir, 'x').list()).length, 0);
  await n.shutdown();
}));

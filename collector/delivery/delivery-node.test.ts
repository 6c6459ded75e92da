import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { sendDrop, sendOk, sendRetry } from '../component/send-result.js';
import { DeadLetters } from './dead-letters.js';
import { DELIVERY_METRIC_NAMES } from './delivery-metrics.js';
import { createDeliveryNode } from './delivery-node.js';
import { RecordingMeter, ScriptedExporter, batchOf, fastConfig, seqsOf, testSettings, until, withTempDir } from './test-support.js';
import type { DeliveryYaml } from './config.js';

for (const enabled of [true, false]) {
  const mode = enabled ? 'disk queue' : 'memory queue';
  const node = (dir: string, exporter: ScriptedExporter, yaml: DeliveryYaml = {}, meter = new RecordingMeter()) =>
    createDeliveryNode({ settings: testSettings('otlp_http/test', meter), exporter, directory: dir, config: fastConfig({ ...yaml, queue: { enabled, ...yaml.queue } }) });

  test(`${mode}: delivers every record in order, one resource per batch`, () => withTempDir(async (dir) => {
    const exporter = new ScriptedExporter();
    const meter = new RecordingMeter();
    const n = node(dir, exporter, { batch: { max_records: 7 } }, meter);
    await n.start();
    for (let i = 0; i < 10; i += 1) {
      await n.consume(batchOf(i * 10, 10, 9, { 'device.id': i % 3 === 0 ? 'a' : 'b' }));
    }
    await until(() => seqsOf(exporter.accepted).length === 100, 5_000, 'all records sent');
    assert.deepEqual(seqsOf(exporter.accepted), Array.from({ length: 100 }, (_, i) => i));
    for (const batch of exporter.accepted) {
      assert.ok(batch.records.length <= 7);
      const seqs = seqsOf([batch]);
      const expected = Math.floor(seqs[0]! / 10) % 3 === 0 ? 'a' : 'b';
      assert.equal(batch.resource['device.id'], expected, 'a batch holds one resource');
    }
    await until(() => n.stats().queuedRecords === 0, 2_000, 'queue empty');
    assert.equal(n.stats().sentRecords, 100);
    assert.equal(meter.values.get(DELIVERY_METRIC_NAMES.sentRecords), 100);
    assert.equal(meter.values.get(DELIVERY_METRIC_NAMES.queueRecords), 0);
    await n.shutdown();
    assert.equal(exporter.started, 1);
    assert.equal(exporter.stopped, 1);
  }));

  test(`${mode}: retries with growing backoff until the destination takes the batch`, () => withTempDir(async (dir) => {
    const exporter = new ScriptedExporter((_b, attempt) => (attempt < 4 ? sendRetry('503') : sendOk()));
    const statuses: string[] = [];
    const n = createDeliveryNode({ settings: testSettings('x', new RecordingMeter(), dir, statuses), exporter, directory: dir, config: fastConfig({ queue: { enabled }, retry: { initial_interval: 20, max_interval: 1000, multiplier: 2, jitter: 0 } }) });
    await n.start();
    await n.consume(batchOf(0, 5));
    await until(() => exporter.accepted.length === 1, 5_000, 'delivery after retries');
    const gaps = exporter.attempts.slice(1).map((a, i) => a.atMs - exporter.attempts[i]!.atMs);
    assert.equal(gaps.length, 4);
    for (const [i, gap] of gaps.entries()) assert.ok(gap >= 20 * 2 ** i - 2, `gap ${i} = ${gap} ms, want ≥ ${20 * 2 ** i}`);
    const stats = n.stats();
    assert.equal(stats.retries, 4);
    assert.equal(stats.sendFailedRecords, 20);
    assert.equal(stats.lastError, '503');
    assert.deepEqual(statuses, ['recoverable_error', 'ok'], 'failing sends are reported once, and the recovery');
    await n.shutdown();
  }));

  test(`${mode}: honours retryAfterMs over the backoff`, () => withTempDir(async (dir) => {
    const exporter = new ScriptedExporter((_b, attempt) => (attempt === 0 ? sendRetry('429', 150) : sendOk()));
    const n = node(dir, exporter, { retry: { initial_interval: 1, max_interval: 5 } });
    await n.start();
    await n.consume(batchOf(0, 1));
    await until(() => exporter.accepted.length === 1, 5_000, 'delivery after Retry-After');
    const gap = exporter.attempts[1]!.atMs - exporter.attempts[0]!.atMs;
    assert.ok(gap >= 148, `waited ${gap} ms, Retry-After was 150 ms`);
    await n.shutdown();
  }));

  test(`${mode}: a dropped batch goes to the dead-letter folder with its reason; the next one is sent`, () => withTempDir(async (dir) => {
    const exporter = new ScriptedExporter((batch) => (batch.records.some((r) => r.body === 'poison') ? sendDrop('400 bad record') : sendOk()));
    const meter = new RecordingMeter();
    const n = node(dir, exporter, { batch: { max_records: 1 } }, meter);
    await n.start();
    const poisoned = batchOf(0, 3);
    poisoned.records[1]!.body = 'poison';
    await n.consume(poisoned);
    await until(() => exporter.accepted.length === 2, 5_000, 'the good records');
    assert.deepEqual(seqsOf(exporter.accepted), [0, 2]);
    const files = await new DeadLetters(dir, 'x').list();
    assert.equal(files.length, 1);
    const lines = (await readFile(files[0]!.path, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(lines.length, 1);
    assert.equal(lines[0]!.reason, '400 bad record');
    assert.equal(lines[0]!.exporter, 'otlp_http/test');
    assert.deepEqual(lines[0]!.resource, { 'device.id': 'vm-1' });
    assert.equal((lines[0]!.record as { body: string }).body, 'poison');
    assert.equal(n.stats().deadLetteredRecords, 1);
    assert.equal(meter.values.get(DELIVERY_METRIC_NAMES.deadLetteredRecords), 1);
    await n.shutdown();
  }));

  test(`${mode}: retry.max_elapsed gives up on a batch into the dead letters`, () => withTempDir(async (dir) => {
    const exporter = new ScriptedExporter(() => sendRetry('down'));
    const n = node(dir, exporter, { retry: { initial_interval: 10, max_interval: 10, max_elapsed: 60 } });
    await n.start();
    await n.consume(batchOf(0, 2));
    await until(() => n.stats().deadLetteredRecords === 2, 5_000, 'give-up');
    const files = await new DeadLetters(dir, 'x').list();
    const text = await readFile(files[0]!.path, 'utf8');
    assert.match(text, /gave up after retry\.max_elapsed/);
    assert.ok(exporter.attempts.length >= 3);
    await n.shutdown();
  }));

  test(`${mode}: shutdown ends within its deadline with the destination down, and refuses new batches`, () => withTempDir(async (dir) => {
    const exporter = new ScriptedExporter((_b, _a, signal) => new Promise((resolve) => {
      signal.addEventListener('abort', () => resolve(sendRetry('aborted')), { once: true });
    }));
    const n = createDeliveryNode({ settings: testSettings(), exporter, directory: dir, config: fastConfig({ queue: { enabled } }), shutdownTimeoutMs: 200 });
    await n.start();
    await n.consume(batchOf(0, 3));
    await until(() => exporter.attempts.length === 1, 2_000, 'the hanging send');
    const started = Date.now();
    await n.shutdown();
    assert.ok(Date.now() - started < 1_500, 'shutdown keeps its deadline');
    assert.equal(n.stats().sentRecords, 0);
    await assert.rejects(n.consume(batchOf(3, 1)), /shutting down/);
    await n.shutdown();
    assert.equal(exporter.stopped, 1, 'shutdown is idempotent');
  }));

  test(`${mode}: a record larger than the whole queue is dead-lettered, not refused; a batch larger than it is taken`, () => withTempDir(async (dir) => {
    const exporter = new ScriptedExporter();
    const n = node(dir, exporter, { queue: { max_bytes: '8KiB' } });
    await n.start();
    const batch = batchOf(0, 200);
    batch.records[7]!.body = 'x'.repeat(20_000);
    await n.consume(batch);
    await until(() => seqsOf(exporter.accepted).length === 199, 5_000, 'the rest delivered');
    assert.deepEqual(seqsOf(exporter.accepted), Array.from({ length: 200 }, (_, i) => i).filter((i) => i !== 7));
    const files = await new DeadLetters(dir, 'x').list();
    const text = await readFile(files[0]!.path, 'utf8');
    assert.match(text, /record larger than queue\.max_bytes/);
    assert.equal(n.stats().deadLetteredRecords, 1);
    await n.shutdown();
  }));

  test(`${mode}: shutdown sends what is queued without waiting for batches to fill`, () => withTempDir(async (dir) => {
    const exporter = new ScriptedExporter();
    const n = node(dir, exporter, { batch: { max_age: '1h', max_records: 1000 } });
    await n.start();
    await n.consume(batchOf(0, 30));
    const started = performance.now();
    await n.shutdown();
    assert.ok(performance.now() - started < 2_000);
    assert.deepEqual(seqsOf(exporter.accepted), Array.from({ length: 30 }, (_, i) => i));
    assert.equal(n.stats().queuedRecords, 0);
  }));
}

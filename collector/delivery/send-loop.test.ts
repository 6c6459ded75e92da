import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DeadLetters } from './dead-letters.js';
import { DeliveryMetrics } from './delivery-metrics.js';
import { MemoryQueue } from './memory-queue.js';
import type { QueuedRecord } from './queue.js';
import { SendLoop } from './send-loop.js';
import { RecordingMeter, ScriptedExporter, batchOf, fastConfig, seqsOf, testSettings, until, withTempDir } from './test-support.js';

/** A queue whose first read fails, like a transient I/O error. */
class FlakyQueue extends MemoryQueue {
  failures = 1;
  override async read(maxRecords: number): Promise<QueuedRecord[]> {
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error('EIO: i/o error, read');
    }
    return super.read(maxRecords);
  }
}

test('a failed queue read does not stop delivery: the loop starts again and sends everything', () => withTempDir(async (dir) => {
  const queue = new FlakyQueue({ maxBytes: 1 << 20, fullPolicy: 'block', fullWaitMs: 100 });
  const exporter = new ScriptedExporter();
  const settings = testSettings();
  const loop = new SendLoop({
    exporter, queue, config: fastConfig(), deadLetters: new DeadLetters(dir, 'x'), metrics: new DeliveryMetrics(new RecordingMeter()),
    logger: settings.logger, onProgress: () => {},
  });
  await queue.append(batchOf(0, 10));
  loop.start();
  try {
    await until(() => seqsOf(exporter.accepted).length === 10, 5_000, 'delivery after the failed read');
    assert.match(loop.counters.lastError ?? '', /EIO/);
  } finally {
    await loop.drain(performance.now() + 100);
  }
}));

/** Records appended while the wall clock was an hour ahead (a Pi before NTP corrected it). */
class ClockAheadQueue extends MemoryQueue {
  override async read(maxRecords: number): Promise<QueuedRecord[]> {
    return (await super.read(maxRecords)).map((r) => ({ ...r, enqueuedAtMs: r.enqueuedAtMs + 3_600_000 }));
  }
}

test('a wall-clock jump does not hold a partial batch beyond max_age', () => withTempDir(async (dir) => {
  const queue = new ClockAheadQueue({ maxBytes: 1 << 20, fullPolicy: 'block', fullWaitMs: 100 });
  const exporter = new ScriptedExporter();
  const settings = testSettings();
  const loop = new SendLoop({
    exporter, queue, config: fastConfig({ batch: { max_age: 20, max_records: 1000 } }), deadLetters: new DeadLetters(dir, 'x'),
    metrics: new DeliveryMetrics(new RecordingMeter()), logger: settings.logger, onProgress: () => {},
  });
  await queue.append(batchOf(0, 3));
  const started = performance.now();
  loop.start();
  try {
    await until(() => exporter.accepted.length === 1, 2_000, 'the partial batch sent after max_age');
    assert.ok(performance.now() - started < 1_000);
  } finally {
    await loop.drain(performance.now() + 100);
  }
}));

// batch.flush_severity: an urgent record closes the batch being formed at once; the others wait for max_age.
const WARN = 13;
const ERROR = 17;
const CRITICAL = 21;

function flushRig(dir: string, batch: { max_age: number | string; flush_severity?: 'CRITICAL' | number }): { queue: MemoryQueue; exporter: ScriptedExporter; loop: SendLoop } {
  const queue = new MemoryQueue({ maxBytes: 1 << 20, fullPolicy: 'block', fullWaitMs: 100 });
  const exporter = new ScriptedExporter();
  const settings = testSettings();
  const loop = new SendLoop({
    exporter, queue, config: fastConfig({ batch: { max_records: 1000, ...batch } }), deadLetters: new DeadLetters(dir, 'x'),
    metrics: new DeliveryMetrics(new RecordingMeter()), logger: settings.logger, onProgress: () => {},
  });
  return { queue, exporter, loop };
}

const severities = (exporter: ScriptedExporter): number[][] => exporter.accepted.map((b) => b.records.map((r) => r.severityNumber));
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

test('flush_severity with a long max_age: a CRITICAL goes at once with the WARN before it; the WARN after it waits', () => withTempDir(async (dir) => {
  const { queue, exporter, loop } = flushRig(dir, { max_age: '1h', flush_severity: 'CRITICAL' });
  await queue.append(batchOf(0, 3, WARN));
  loop.start();
  try {
    await pause(300);
    assert.equal(exporter.attempts.length, 0, 'WARN waits for the hour');
    await queue.append({ resource: { 'device.id': 'vm-1' }, records: [...batchOf(3, 1, CRITICAL).records, ...batchOf(4, 2, WARN).records] });
    await until(() => exporter.accepted.length === 1, 5_000, 'the batch closed by the CRITICAL record');
    assert.deepEqual(seqsOf(exporter.accepted), [0, 1, 2, 3]);
    assert.deepEqual(severities(exporter), [[WARN, WARN, WARN, CRITICAL]]);
    await pause(300);
    assert.equal(exporter.attempts.length, 1, 'the WARN records after the CRITICAL one wait for the next window');
    await queue.append(batchOf(6, 1, CRITICAL));
    await until(() => exporter.accepted.length === 2, 5_000, 'the second CRITICAL');
    assert.deepEqual(seqsOf(exporter.accepted.slice(1)), [4, 5, 6]);
  } finally {
    await loop.drain(performance.now() + 500);
  }
  assert.equal(queue.stats().queuedRecords, 0);
}));

test('without flush_severity a CRITICAL waits for max_age like the rest (the control)', () => withTempDir(async (dir) => {
  const { queue, exporter, loop } = flushRig(dir, { max_age: '1h' });
  await queue.append(batchOf(0, 2, WARN));
  await queue.append(batchOf(2, 1, CRITICAL));
  loop.start();
  try {
    await pause(500);
    assert.equal(exporter.attempts.length, 0);
  } finally {
    await loop.drain(performance.now() + 500);
  }
  assert.deepEqual(seqsOf(exporter.accepted), [0, 1, 2], 'shutdown sends what waited');
}));

test('flush_severity as a number (17 = ERROR) closes at the last record at or above it; lower levels wait', () => withTempDir(async (dir) => {
  const { queue, exporter, loop } = flushRig(dir, { max_age: '1h', flush_severity: ERROR });
  await queue.append({ resource: { 'device.id': 'vm-1' }, records: [13, 17, 9, 21, 13].map((severity, i) => batchOf(i, 1, severity).records[0]!) });
  loop.start();
  try {
    await until(() => exporter.accepted.length === 1, 5_000, 'the batch closed at the CRITICAL record');
    assert.deepEqual(severities(exporter), [[13, 17, 9, 21]]);
    await pause(300);
    assert.equal(exporter.attempts.length, 1);
  } finally {
    await loop.drain(performance.now() + 500);
  }
}));

test('flush_severity with a short max_age: WARN goes after max_age, CRITICAL well before it', () => withTempDir(async (dir) => {
  const maxAgeMs = 2_000;
  const { queue, exporter, loop } = flushRig(dir, { max_age: maxAgeMs, flush_severity: 'CRITICAL' });
  loop.start();
  try {
    let appendedAt = performance.now();
    await queue.append(batchOf(0, 2, WARN));
    await until(() => exporter.accepted.length === 1, 10_000, 'the WARN batch');
    const warnWaitMs = performance.now() - appendedAt;
    assert.ok(warnWaitMs >= maxAgeMs - 100, `WARN left after ${warnWaitMs.toFixed(0)} ms, before max_age`);
    appendedAt = performance.now();
    await queue.append(batchOf(2, 1, CRITICAL));
    await until(() => exporter.accepted.length === 2, 10_000, 'the CRITICAL batch');
    const criticalWaitMs = performance.now() - appendedAt;
    assert.ok(criticalWaitMs < maxAgeMs / 2, `CRITICAL waited ${criticalWaitMs.toFixed(0)} ms`);
    assert.deepEqual(severities(exporter), [[WARN, WARN], [CRITICAL]]);
  } finally {
    await loop.drain(performance.now() + 500);
  }
}));

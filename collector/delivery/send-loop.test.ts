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

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { defineExporter, defineProcessor, defineReceiver } from '../component/define.js';
import type { LogsConsumer } from '../component/contract.js';
import { PermanentError } from '../component/errors.js';
import { sendOk } from '../component/send-result.js';
import { configFor, createNopSettings, describeComponentContract, LogsSink, makeBatch, misspell } from './index.js';
import { schemaProblems } from './contract-suite.js';

// Three small real components, run through the suite exactly as a plugin's own test would.
const upper = defineProcessor<{ prefix: string }>({
  type: 'upper',
  stability: 'development',
  configSchema: { type: 'object', additionalProperties: false, properties: { prefix: { type: 'string', default: '', description: 'Put before each body.' } } },
  create: (_settings, config, next) => ({
    mutatesData: false,
    start: async () => {},
    shutdown: async () => {},
    consume: (batch) => next.consume({ ...batch, records: batch.records.map((r) => ({ ...r, body: `${config.prefix}${String(r.body).toUpperCase()}` })) }),
  }),
});
describeComponentContract(upper, { config: {} });

const counting = defineExporter<{ max_batch: number }>({
  type: 'counting',
  stability: 'development',
  configSchema: { type: 'object', additionalProperties: false, properties: { max_batch: { type: 'integer', minimum: 1, default: 10, description: 'Largest batch taken.' } } },
  create: (_settings, config) => ({
    start: async () => {},
    shutdown: async () => {},
    send: async (batch) => (batch.records.length <= config.max_batch ? sendOk({ acceptedRecords: batch.records.length }) : { outcome: 'drop', reason: 'too big' }),
  }),
});
describeComponentContract(counting, { config: { max_batch: 5 }, expectSendOutcome: 'ok', typoKey: 'max_batch' });

const pushed: LogsConsumer[] = [];
const manual = defineReceiver<Record<string, never>>({
  type: 'manual',
  stability: 'development',
  configSchema: { type: 'object', additionalProperties: false, properties: {} },
  create: (_settings, _config, next) => ({
    start: async () => { pushed.push(next); },
    shutdown: async () => {},
  }),
});
describeComponentContract(manual, { config: null, feed: async () => { await pushed.at(-1)!.consume(makeBatch(2)); } });

test('LogsSink keeps batches in order, counts records and waits for them', async () => {
  const sink = new LogsSink();
  const waiting = sink.waitForRecords(7, 2_000);
  await sink.consume(makeBatch(3));
  await sink.consume(makeBatch(4));
  await waiting;
  assert.equal(sink.recordCount, 7);
  assert.equal(sink.batches.length, 2);
  assert.deepEqual(sink.records().map((r) => r.body), [0, 1, 2, 0, 1, 2, 3].map((i) => `test record ${i}`));
});

test('LogsSink.waitForRecords rejects after its timeout with the count so far', async () => {
  const sink = new LogsSink();
  await sink.consume(makeBatch(1));
  await assert.rejects(sink.waitForRecords(5, 20), /1 of 5 records after 20 ms/);
});

test('LogsSink failure injection refuses the next n batches, then accepts', async () => {
  const sink = new LogsSink();
  sink.failNext(1);
  sink.failNext(1, new PermanentError('never'));
  await assert.rejects(sink.consume(makeBatch(1)), /injected failure/);
  await assert.rejects(sink.consume(makeBatch(1)), PermanentError);
  await sink.consume(makeBatch(2));
  assert.equal(sink.refusedBatches, 2);
  assert.equal(sink.recordCount, 2);
});

test('createNopSettings gives a private temp folder, records statuses and log entries, and cleans up', () => {
  const settings = createNopSettings('exporter', 'file/a');
  assert.ok(existsSync(settings.storageDir));
  settings.reportStatus('ok');
  settings.logger.child({ part: 'x' }).warn('Slow disk.', { ms: 5 });
  settings.meter.counter('c', 'help').add(2, { b: '1', a: '2' });
  settings.meter.counter('c', 'help').add(3, { a: '2', b: '1' });
  assert.deepEqual(settings.statuses, ['ok']);
  assert.deepEqual(settings.logger.entries[0], { level: 'warn', message: 'Slow disk.', fields: { kind: 'exporter', id: 'file/a', part: 'x', ms: 5 } });
  assert.equal(settings.meter.values.get('c{a="2",b="1"}'), 5);
  settings.cleanup();
  assert.equal(existsSync(settings.storageDir), false);
});

test('configFor fills defaults (host keys too), freezes, and throws listing every problem', () => {
  const config = configFor<{ max_batch: number; queue: { max_bytes: number } }>(counting, {});
  assert.equal(config.max_batch, 10);
  assert.equal(config.queue.max_bytes, 256 * 1024 * 1024);
  assert.ok(Object.isFrozen(config.queue));
  assert.throws(() => configFor(counting, { max_bach: 1, queue: { max_byts: 5 } }),
    (error: Error) => /unknown key 'max_bach'; did you mean 'max_batch'/.test(error.message) && /unknown key 'max_byts'; did you mean 'max_bytes'/.test(error.message));
});

test('misspell drops a letter so the suggestion can find the key again', () => {
  assert.equal(misspell('max_bytes'), 'max_byts');
  assert.equal(misspell('ab'), 'abx');
});

test('schemaProblems finds open objects and undescribed options', () => {
  const problems = schemaProblems({
    type: 'object', additionalProperties: false,
    properties: { a: { type: 'string' }, b: { type: 'object', description: 'b', properties: { c: { type: 'number', description: 'c' } } } },
  }, 'configSchema');
  assert.deepEqual(problems, ['configSchema.a: no description', 'configSchema.b: additionalProperties must be false']);
});

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, beforeEach, test } from 'node:test';
import { isPermanentError } from '../component/errors.js';
import { loadConfig } from '../config/load-config.js';
import { formatIssue } from '../config/issue.js';
import { createRegistry } from '../registry/registry.js';
import { makeBatch } from '../testkit/make-batch.js';
import { METRICS } from '../telemetry/metric-names.js';
import { startService, type RunningService } from './service.js';
import { PIPELINE_TEST_FACTORIES, world } from './test-plugins.js';

const temp = mkdtempSync(join(tmpdir(), 'fleetlog-graph-'));
after(() => rmSync(temp, { recursive: true, force: true }));
beforeEach(() => world.reset());

let counter = 0;
async function start(yaml: string): Promise<{ service: RunningService; logs: string[] }> {
  counter += 1;
  const dir = mkdtempSync(join(temp, `case${counter}-`));
  const file = join(dir, 'config.yaml');
  writeFileSync(file, yaml.replace('STORAGE', join(dir, 'data')));
  const { config, issues } = await loadConfig(file, { env: {}, registry: createRegistry(PIPELINE_TEST_FACTORIES), cwd: dir });
  assert.ok(config, issues.map((i) => formatIssue(i)).join('\n'));
  const logs: string[] = [];
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => logs.push(...chunk.toString().split('\n').filter(Boolean)));
  return { service: await startService(config, { logStream: stream }), logs };
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const TWO_PIPELINES = `
receivers:
  push_in:
  push_in/other:
processors:
  tag/inplace: { key: changed, value: yes, in_place: true }
  drop_below: { min_severity: 13 }
exporters:
  collect/a: { queue: { enabled: false }, batch: { max_age: 10ms } }
  collect/b: { queue: { enabled: false }, batch: { max_age: 10ms } }
service:
  storage: { directory: STORAGE }
  resource: { device.id: vm-0042, site: lab }
  heartbeat: { enabled: false }
  pipelines:
    logs/all:
      receivers: [push_in]
      processors: [tag/inplace]
      exporters: [collect/a]
    logs/important:
      receivers: [push_in, push_in/other]
      processors: [drop_below]
      exporters: [collect/a, collect/b]
`;

test('a shared receiver feeds two pipelines; fan-out copies only for the mutating processor; resource stamped; counted', async () => {
  const { service } = await start(TWO_PIPELINES);
  try {
    const batch = makeBatch(5, { 'device.id': 'from-source' });
    await world.inputs.get('push_in')!.consume(batch);
    assert.equal(batch.records[0]!.attributes.changed, undefined, 'the mutating processor got a copy, not the receiver\'s batch');
    await world.inputs.get('push_in/other')!.consume(makeBatch(5));
    await waitFor(() => (world.sent.get('collect/a') ?? []).flatMap((b) => b.records).length === 5 + 3 + 3 && (world.sent.get('collect/b') ?? []).flatMap((b) => b.records).length === 6, 'deliveries');
    const a = world.sent.get('collect/a')!.flatMap((b) => b.records);
    assert.equal(a.filter((r) => r.attributes.changed === 'yes').length, 5, 'logs/all records tagged');
    assert.equal(a.filter((r) => r.attributes.changed === undefined).length, 6, 'logs/important records untouched by the other pipeline\'s in-place change');
    const bBatches = world.sent.get('collect/b')!;
    assert.deepEqual(bBatches.flatMap((b) => b.records.map((r) => r.severityText)), ['WARN', 'ERROR', 'CRITICAL', 'WARN', 'ERROR', 'CRITICAL']);
    assert.deepEqual(world.sent.get('collect/a')![0]!.resource, { 'device.id': 'from-source', site: 'lab' }, 'service.resource underneath, the source\'s own keys win');
    const m = service.metrics;
    assert.equal(m.value(METRICS.receiverAcceptedRecords.name, { receiver: 'push_in' }), 5);
    assert.equal(m.value(METRICS.processorIncomingRecords.name, { processor: 'drop_below', pipeline: 'logs/important' }), 10);
    assert.equal(m.value(METRICS.processorOutgoingRecords.name, { processor: 'drop_below', pipeline: 'logs/important' }), 6);
    assert.equal(m.value(METRICS.processorDroppedRecords.name, { processor: 'drop_below', pipeline: 'logs/important' }), 4);
    await waitFor(() => service.stats().exporters['collect/a']!.sentRecords === 11, 'sent stats');
    assert.equal(m.value(METRICS.exporterSentRecords.name, { exporter: 'collect/b' }), 6);
    assert.deepEqual(service.stats().components.map((c) => `${c.kind}:${c.id}=${c.status}`).sort(), [
      'exporter:collect/a=ok', 'exporter:collect/b=ok', 'processor:drop_below@logs/important=ok', 'processor:tag/inplace@logs/all=ok',
      'receiver:push_in/other=ok', 'receiver:push_in=ok',
    ]);
  } finally {
    await service.shutdown();
  }
  assert.ok(service.stats().components.every((c) => c.status === 'stopped'));
});

test('start is downstream-first and shutdown upstream-first', async () => {
  const { service } = await start(TWO_PIPELINES);
  await service.shutdown();
  const starts = world.events.filter((e) => e.startsWith('start'));
  const stops = world.events.filter((e) => e.startsWith('stop'));
  const rank = (e: string): number => (e.includes('exporter') ? 0 : e.includes('processor') ? 1 : 2);
  assert.deepEqual(starts.map(rank), [0, 0, 1, 1, 2, 2], starts.join(', '));
  assert.deepEqual(stops.map(rank), [2, 2, 1, 1, 0, 0], stops.join(', '));
});

test('a component that fails to start stops the ones already started and reports FLEETLOG_ERR_PIPELINE_START', async () => {
  await assert.rejects(start(`
receivers: { push_in: { fail_start: true } }
exporters: { collect: { queue: { enabled: false } } }
service: { storage: { directory: STORAGE }, heartbeat: { enabled: false }, pipelines: { logs: { receivers: [push_in], exporters: [collect] } } }
`), (error: Error & { code?: string }) => error.code === 'FLEETLOG_ERR_PIPELINE_START' && /receiver push_in: receiver push_in cannot start/.test(error.message));
  assert.deepEqual(world.events, ['start exporter collect', 'start receiver push_in', 'stop exporter collect']);
});

test('shutdown keeps its deadline when a component hangs, and says which', async () => {
  const { service, logs } = await start(`
receivers: { push_in: { hang_shutdown_ms: 5000 } }
exporters: { collect: { queue: { enabled: false } } }
service: { storage: { directory: STORAGE }, heartbeat: { enabled: false }, shutdown_timeout: 300ms, pipelines: { logs: { receivers: [push_in], exporters: [collect] } } }
`);
  const began = Date.now();
  const report = await service.shutdown();
  const took = Date.now() - began;
  assert.ok(took < 1_500, `shutdown took ${took} ms`);
  assert.deepEqual(report.timedOut, ['receiver push_in']);
  assert.ok(logs.some((l) => l.includes('FLEETLOG_ERR_SHUTDOWN_TIMEOUT')), logs.join('\n'));
});

test('a processor that throws after start: the receiver gets the rejection, records are counted as refused, nothing crashes', async () => {
  const { service } = await start(`
receivers: { push_in: }
processors: { drop_below: { throw_on: boom } }
exporters: { collect: { queue: { enabled: false }, batch: { max_age: 10ms } } }
service: { storage: { directory: STORAGE }, heartbeat: { enabled: false }, pipelines: { logs: { receivers: [push_in], processors: [drop_below], exporters: [collect] } } }
`);
  try {
    const bad = makeBatch(3);
    bad.records[1]!.body = 'boom';
    await assert.rejects(world.inputs.get('push_in')!.consume(bad), (e: Error) => e instanceof TypeError && !isPermanentError(e));
    await world.inputs.get('push_in')!.consume(makeBatch(3));
    await waitFor(() => (world.sent.get('collect') ?? []).length > 0, 'delivery after the failure');
    assert.equal(service.metrics.value(METRICS.receiverRefusedRecords.name, { receiver: 'push_in' }), 3);
    assert.equal(service.metrics.value(METRICS.receiverAcceptedRecords.name, { receiver: 'push_in' }), 3);
  } finally {
    await service.shutdown();
  }
});

test('exporter retries are the delivery node\'s business: the batch arrives after retry answers', async () => {
  const { service } = await start(`
receivers: { push_in: }
exporters: { collect: { retry_first: 2, retry: { initial_interval: 5ms, max_interval: 10ms }, batch: { max_age: 5ms } } }
service: { storage: { directory: STORAGE }, heartbeat: { enabled: false }, pipelines: { logs: { receivers: [push_in], exporters: [collect] } } }
`);
  try {
    await world.inputs.get('push_in')!.consume(makeBatch(4));
    await waitFor(() => (world.sent.get('collect') ?? []).flatMap((b) => b.records).length === 4, 'delivery after retries');
    await waitFor(() => service.stats().exporters.collect!.sentRecords === 4, 'stats');
    assert.equal(service.stats().exporters.collect!.retries, 2);
  } finally {
    await service.shutdown();
  }
});

test('the metrics endpoint serves the vocabulary while running', async () => {
  const { service } = await start(`
receivers: { push_in: }
exporters: { collect: { queue: { enabled: false }, batch: { max_age: 5ms } } }
service:
  storage: { directory: STORAGE }
  heartbeat: { enabled: false }
  telemetry: { metrics: { address: "127.0.0.1:0" } }
  pipelines: { logs: { receivers: [push_in], exporters: [collect] } }
`);
  try {
    await world.inputs.get('push_in')!.consume(makeBatch(2));
    await waitFor(() => service.stats().exporters.collect!.sentRecords === 2, 'sent');
    const text = await (await fetch(`http://127.0.0.1:${service.metricsPort}/metrics`)).text();
    assert.match(text, /^fleetlog_receiver_accepted_records_total\{receiver="push_in"\} 2$/m);
    assert.match(text, /^fleetlog_exporter_sent_records_total\{exporter="collect"\} 2$/m);
    assert.match(text, /^fleetlog_component_status\{id="collect",kind="exporter",status="ok"\} 1$/m);
    assert.match(text, /^fleetlog_process_uptime_seconds \d+$/m);
  } finally {
    await service.shutdown();
  }
});

test('the heartbeat goes to every exporter once, with queue, loss and uptime attributes', async () => {
  const { service } = await start(`
receivers: { push_in: }
exporters:
  collect/a: { queue: { enabled: false }, batch: { max_age: 5ms } }
  collect/b: { queue: { enabled: false }, batch: { max_age: 5ms } }
service:
  storage: { directory: STORAGE }
  resource: { device.id: vm-7 }
  heartbeat: { interval: 100ms }
  pipelines:
    logs: { receivers: [push_in], exporters: [collect/a, collect/b] }
    logs/2: { receivers: [push_in], exporters: [collect/a] }
`);
  try {
    await waitFor(() => (world.sent.get('collect/a') ?? []).length > 0 && (world.sent.get('collect/b') ?? []).length > 0, 'a heartbeat');
    const batch = world.sent.get('collect/a')![0]!;
    assert.equal(batch.records.length, 1, 'one heartbeat per exporter per beat, even when two pipelines end in it');
    const record = batch.records[0]!;
    assert.equal(record.eventName, 'fleetlog.heartbeat');
    assert.equal(record.attributes['event.name'], 'fleetlog.heartbeat');
    assert.deepEqual(batch.resource, { 'device.id': 'vm-7' });
    const exporters = record.attributes['fleetlog.exporters'] as Record<string, Record<string, number>>;
    assert.deepEqual(Object.keys(exporters).sort(), ['collect/a', 'collect/b']);
    assert.equal(typeof exporters['collect/a']!.queue_bytes, 'number');
    assert.equal(typeof record.attributes['fleetlog.disk_free_bytes'], 'number');
    assert.equal(typeof record.attributes['fleetlog.boot_id'], 'string');
  } finally {
    await service.shutdown();
  }
});

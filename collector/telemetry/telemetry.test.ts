import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { DELIVERY_METRIC_NAMES } from '../delivery/delivery-metrics.js';
import { canTransition, StatusBoard } from './component-status.js';
import { createJsonLogger } from './json-logger.js';
import { METRIC_NAMES, METRICS } from './metric-names.js';
import { MetricsRegistry } from './metrics-registry.js';
import { startMetricsServer } from './metrics-server.js';

test('the vocabulary holds the delivery metrics and follows fleetlog_<kind>_<what>_<unit>', () => {
  for (const name of Object.values(DELIVERY_METRIC_NAMES)) assert.ok(METRIC_NAMES.includes(name), name);
  for (const m of Object.values(METRICS)) {
    assert.match(m.name, /^fleetlog_[a-z]+_[a-z_]+$/);
    assert.equal(m.name.endsWith('_total'), m.type === 'counter', `${m.name}: counters, and only counters, end in _total`);
  }
  assert.equal(new Set(METRIC_NAMES).size, METRIC_NAMES.length);
});

test('registry renders Prometheus text with component labels, escaping and sorted families', () => {
  const registry = new MetricsRegistry();
  const meter = registry.meter({ exporter: 'file/a"b' });
  const sent = meter.counter(METRICS.exporterSentRecords.name, METRICS.exporterSentRecords.help);
  sent.add(3);
  sent.add(2);
  sent.add(-1);
  meter.gauge(METRICS.exporterQueueBytes.name, 'Bytes.').set(1024);
  registry.meter({ receiver: 'file_log' }).counter(METRICS.receiverAcceptedRecords.name, 'Accepted.').add(7);
  registry.meter().counter('bad name!', 'ignored').add(1);
  let scrapes = 0;
  registry.onCollect(() => { scrapes += 1; });
  const text = registry.render();
  assert.equal(text, [
    '# HELP fleetlog_exporter_queue_bytes Bytes.',
    '# TYPE fleetlog_exporter_queue_bytes gauge',
    'fleetlog_exporter_queue_bytes{exporter="file/a\\"b"} 1024',
    `# HELP fleetlog_exporter_sent_records_total ${METRICS.exporterSentRecords.help}`,
    '# TYPE fleetlog_exporter_sent_records_total counter',
    'fleetlog_exporter_sent_records_total{exporter="file/a\\"b"} 5',
    '# HELP fleetlog_receiver_accepted_records_total Accepted.',
    '# TYPE fleetlog_receiver_accepted_records_total counter',
    'fleetlog_receiver_accepted_records_total{receiver="file_log"} 7',
    '',
  ].join('\n'));
  assert.equal(scrapes, 1);
  assert.equal(registry.value(METRICS.receiverAcceptedRecords.name, { receiver: 'file_log' }), 7);
});

test('metrics endpoint serves /metrics on a real port and 404s elsewhere', async () => {
  const registry = new MetricsRegistry();
  registry.meter({ exporter: 'debug' }).counter(METRICS.exporterRetries.name, 'Retries.').add(4);
  const server = await startMetricsServer('127.0.0.1:0', registry);
  try {
    const response = await fetch(`http://127.0.0.1:${server.port}/metrics`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /text\/plain; version=0.0.4/);
    assert.match(await response.text(), /^fleetlog_exporter_retries_total\{exporter="debug"\} 4$/m);
    assert.equal((await fetch(`http://127.0.0.1:${server.port}/`)).status, 404);
  } finally {
    await server.close();
  }
});

test('JSON logger writes one object per line above its level, to the stream and the file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fleetlog-log-'));
  try {
    const stream = new PassThrough();
    const chunks: string[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c.toString()));
    const file = join(dir, 'sub', 'own.log');
    const logger = createJsonLogger({ level: 'info', stream, file, now: () => new Date(0) });
    logger.debug('Hidden.');
    logger.child({ kind: 'exporter', id: 'file' }).warn('Queue is filling.', { queueBytes: 10, error: Object.assign(new Error('disk'), { code: 'E1' }) });
    await logger.close();
    const expected = '{"time":"1970-01-01T00:00:00.000Z","level":"warn","msg":"Queue is filling.","kind":"exporter","id":"file","queueBytes":10,"error":{"message":"disk","code":"E1"}}\n';
    assert.equal(chunks.join(''), expected);
    assert.equal(readFileSync(file, 'utf8'), expected);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('status board follows the state machine and mirrors it in the status gauge', () => {
  const registry = new MetricsRegistry();
  const board = new StatusBoard({ gauge: registry.meter().gauge(METRICS.componentStatus.name, 'Status.'), now: () => 42 });
  board.add('exporter', 'file');
  assert.equal(board.report('exporter', 'file', 'ok'), true);
  assert.equal(board.report('exporter', 'file', 'recoverable_error', new Error('disk full')), true);
  assert.equal(board.get('exporter', 'file')?.error, 'disk full');
  assert.equal(board.report('exporter', 'file', 'permanent_error', new Error('bad key')), true);
  assert.equal(board.report('exporter', 'file', 'ok'), false, 'permanent_error is sticky');
  assert.equal(board.report('exporter', 'file', 'stopping'), true);
  assert.equal(board.report('exporter', 'file', 'stopped'), true);
  assert.equal(canTransition('stopped', 'ok'), false);
  assert.deepEqual(board.snapshot(), [{ kind: 'exporter', id: 'file', status: 'stopped', sinceMs: 42 }]);
  assert.equal(registry.value(METRICS.componentStatus.name, { kind: 'exporter', id: 'file', status: 'stopped' }), 1);
  assert.equal(registry.value(METRICS.componentStatus.name, { kind: 'exporter', id: 'file', status: 'ok' }), 0);
});

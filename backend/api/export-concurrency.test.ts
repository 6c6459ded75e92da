// Exports at the same time on the embedded engine (chDB): three exports (NDJSON, CSV, a level filter) read slowly
// by their clients so that they overlap, while /api/logs is read and another machine ingests. Each export is
// complete and in order; none answers 500 (before: "a stream is already active" / "No active streaming query").
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { msToUnixNano, type LogRecord } from '../../collector/component/log-record.js';
import { storeRecords } from '../ingest/store-records.js';
import { startTempBackend, TEST_ADMIN_TOKEN, type TempBackend } from '../testing/temp-backend.js';

const ROWS = 20_000;
const START_MS = Date.now() - 3 * 86_400_000; // three day partitions: several engine streams per export
const STEP_MS = Math.floor((3 * 86_400_000 - 60_000) / ROWS);
let b: TempBackend;

function rec(i: number): LogRecord {
  return {
    timeUnixNano: msToUnixNano(START_MS + i * STEP_MS), observedTimeUnixNano: '0',
    severityNumber: i % 5 === 0 ? 17 : 9, severityText: '', body: `row ${i} vend ok ${'x'.repeat(200)}`,
    attributes: { component: 'motor' }, recordId: `x1:${i}`,
  };
}

before(async () => {
  b = await startTempBackend({ exports: { maxConcurrent: 2, queueWaitMs: 60_000 } });
  for (let start = 0; start < ROWS; start += 5000) {
    const records = Array.from({ length: 5000 }, (_, k) => rec(start + k));
    await storeRecords(b.backend.ingest, { machineId: 'X1', batch: { resource: { 'device.id': 'X1' }, records }, source: 'otlp_proto' });
  }
});
after(async () => { await b.stop(); });

/** The export's body, read chunk by chunk with a pause after each (a slow client). */
async function slowExport(query: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${b.url}/api/logs/export?${query}`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
  const parts: Buffer[] = [];
  for await (const chunk of res.body!) {
    parts.push(Buffer.from(chunk as Uint8Array));
    await sleep(2);
  }
  return { status: res.status, text: Buffer.concat(parts).toString('utf8') };
}

test('3 concurrent exports with concurrent reads and ingest: each complete and correct, none 500', async () => {
  const newestFirst = Array.from({ length: ROWS }, (_, k) => `x1:${ROWS - 1 - k}`);
  const errorsNewestFirst = newestFirst.filter((id) => Number(id.slice(3)) % 5 === 0);
  let exporting = true;
  let maxRunning = 0;
  let maxWaiting = 0;
  const watcher = (async () => {
    while (exporting) {
      maxRunning = Math.max(maxRunning, b.backend.exportGate.running);
      maxWaiting = Math.max(maxWaiting, b.backend.exportGate.waiting);
      await sleep(2);
    }
  })();
  let reads = 0;
  const reader = (async () => {
    while (exporting) {
      const page = await b.admin('/api/logs?machine_id=X1&limit=50');
      assert.equal(page.status, 200, JSON.stringify(page.body));
      assert.deepEqual((page.body.logs as { record_id: string }[]).map((l) => l.record_id), newestFirst.slice(0, 50));
      reads += 1;
    }
  })();
  let writes = 0;
  const writer = (async () => {
    while (exporting) {
      const records = Array.from({ length: 200 }, (_, k) => ({ ...rec(k), recordId: `x2:${writes}:${k}` }));
      await storeRecords(b.backend.ingest, { machineId: 'X2', batch: { resource: { 'device.id': 'X2' }, records }, source: 'otlp_proto' });
      writes += 1;
    }
  })();

  const [nd, csv, errors] = await Promise.all([
    slowExport('machine_id=X1'),
    slowExport('machine_id=X1&format=csv'),
    slowExport('machine_id=X1&level=ERROR'),
  ]);
  exporting = false;
  await Promise.all([watcher, reader, writer]);

  assert.equal(nd.status, 200, nd.text.slice(0, 300));
  assert.deepEqual(nd.text.trimEnd().split('\n').map((l) => (JSON.parse(l) as { record_id: string }).record_id), newestFirst);
  assert.equal(csv.status, 200, csv.text.slice(0, 300));
  const csvLines = csv.text.trimEnd().split('\r\n');
  assert.match(csvLines[0]!, /^time,machine_id,/);
  assert.deepEqual(csvLines.slice(1).map((l) => /,"(x1:\d+)",/.exec(l)?.[1]), newestFirst);
  assert.equal(errors.status, 200, errors.text.slice(0, 300));
  assert.deepEqual(errors.text.trimEnd().split('\n').map((l) => (JSON.parse(l) as { record_id: string }).record_id), errorsNewestFirst);

  assert.equal(maxRunning, 2, 'two exports streamed side by side');
  assert.ok(maxWaiting >= 1, 'the third waited in line');
  assert.ok(reads > 0 && writes > 0, `reads ${reads}, ingest batches ${writes} ran during the exports`);
  assert.equal(b.backend.metrics.value('fleetlog_backend_exports_total', { outcome: 'complete' }), 3);
  const health = await fetch(`${b.url}/healthz`);
  assert.equal(health.status, 200);
});

// A client that stops reading its export holds the only export place: the next export waits its bounded time and
// gets 503 FLEETLOG_ERR_EXPORT_BUSY + Retry-After (not a 500, not a hang); reads go on meanwhile; after the stall
// timeout the stuck export is disconnected and the next export runs to completion.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request, type IncomingMessage } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { msToUnixNano, type LogRecord } from '../../collector/component/log-record.js';
import { storeRecords } from '../ingest/store-records.js';
import { startTempBackend, TEST_ADMIN_TOKEN, type TempBackend } from '../testing/temp-backend.js';

// ~25 MB of NDJSON: far more than the loopback socket buffers hold, so a client that does not read stalls it.
const ROWS = 40_000;
let b: TempBackend;

before(async () => {
  b = await startTempBackend({ exports: { maxConcurrent: 1, queueWaitMs: 300, stallTimeoutMs: 1500 } });
  const start = Date.now() - 86_400_000;
  for (let from = 0; from < ROWS; from += 5000) {
    const records: LogRecord[] = Array.from({ length: 5000 }, (_, k) => ({
      timeUnixNano: msToUnixNano(start + (from + k) * 1000), observedTimeUnixNano: '0', severityNumber: 9, severityText: '',
      body: `row ${from + k} ${'y'.repeat(400)}`, attributes: { component: 'motor' }, recordId: `s1:${from + k}`,
    }));
    await storeRecords(b.backend.ingest, { machineId: 'S1', batch: { resource: { 'device.id': 'S1' }, records }, source: 'otlp_proto' });
  }
});
after(async () => { await b.stop(); });

async function until(what: string, check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

test('a stuck export client: next export 503 + Retry-After, reads served, stuck one ended after the stall timeout', async () => {
  const url = new URL(`${b.url}/api/logs/export?machine_id=S1`);
  const stuck = request(url, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } }, (res: IncomingMessage) => {
    res.pause(); // reads nothing more
    res.on('error', () => { /* the server ends it */ });
  });
  stuck.on('error', () => { /* the server ends it */ });
  stuck.end();
  await until('the stuck export to hold the place', () => b.backend.exportGate.running === 1);

  const busy = await fetch(`${b.url}/api/logs/export?machine_id=S1`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
  assert.equal(busy.status, 503);
  assert.equal(busy.headers.get('retry-after'), '1');
  assert.equal(((await busy.json()) as { error: { code: string } }).error.code, 'FLEETLOG_ERR_EXPORT_BUSY');
  assert.equal(b.backend.metrics.value('fleetlog_backend_exports_total', { outcome: 'busy' }), 1);

  const page = await b.admin('/api/logs?machine_id=S1&limit=3');
  assert.equal(page.status, 200, 'reads are not held up by a stuck export');
  assert.deepEqual((page.body.logs as { record_id: string }[]).map((l) => l.record_id), ['s1:39999', 's1:39998', 's1:39997']);

  await until('the stall timeout to end the stuck export', () => b.backend.exportGate.running === 0);
  assert.equal(b.backend.metrics.value('fleetlog_backend_exports_total', { outcome: 'stalled' }), 1);
  stuck.destroy();

  const next = await fetch(`${b.url}/api/logs/export?machine_id=S1`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
  assert.equal(next.status, 200);
  const ids = (await next.text()).trimEnd().split('\n').map((l) => (JSON.parse(l) as { record_id: string }).record_id);
  assert.equal(ids.length, ROWS);
  assert.equal(ids[0], 's1:39999');
  assert.equal(ids.at(-1), 's1:0');
  assert.equal(b.backend.metrics.value('fleetlog_backend_exports_total', { outcome: 'complete' }), 1);
});

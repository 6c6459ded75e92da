// The read API over a real embedded store: filters, full text, pagination under concurrent inserts, export,
// machines and status.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { msToUnixNano, type LogRecord } from '../../collector/component/log-record.js';
import { storeRecords } from '../ingest/store-records.js';
import { startTempBackend, TEST_ADMIN_TOKEN, type TempBackend } from '../testing/temp-backend.js';

let b: TempBackend;
const NOW = Date.now();
const HOUR = 3600_000;

function rec(timeMs: number, body: string, severityNumber: number, component: string, recordId: string, extra: Partial<LogRecord> = {}): LogRecord {
  return { timeUnixNano: msToUnixNano(timeMs), observedTimeUnixNano: '0', severityNumber, severityText: '', body, attributes: { component }, recordId, ...extra };
}

async function store(machineId: string, site: string, records: LogRecord[]): Promise<void> {
  await storeRecords(b.backend.ingest, { machineId, site, batch: { resource: { 'device.id': machineId }, records }, source: 'otlp_proto' });
}

before(async () => {
  b = await startTempBackend();
  await b.backend.store.upsertMachine({ machineId: 'F1', site: 'north', name: 'Lobby' });
  await b.backend.store.upsertMachine({ machineId: 'F2', site: 'south' });
  await b.backend.store.upsertMachine({ machineId: 'F3', site: 'south' });
  await store('F1', 'north', [
    rec(NOW - 5 * HOUR, 'Coin mech jam detected', 13, 'coin', 'f1:1'),
    rec(NOW - 4 * HOUR, 'Payment declined code 51', 17, 'payment', 'f1:2'),
    rec(NOW - 3 * HOUR, 'Vend OK slot 4', 9, 'motor', 'f1:3'),
    rec(NOW - 30 * 60_000, 'Tamper switch open', 21, 'door', 'f1:4'),
    rec(NOW - 20 * 60_000, 'heartbeat', 9, 'fleetlog', 'f1:5', { eventName: 'fleetlog.heartbeat' }),
  ]);
  await store('F2', 'south', [
    rec(NOW - 2 * HOUR, 'Bill validator JAM', 17, 'payment', 'f2:1'),
    rec(NOW - 26 * HOUR, 'Temperature 9C above limit', 13, 'fridge', 'f2:2'),
  ]);
});
after(async () => { await b.stop(); });

async function bodies(query: string): Promise<string[]> {
  const { status, body } = await b.admin(`/api/logs?${query}`);
  assert.equal(status, 200, JSON.stringify(body));
  return (body.logs as { body: string }[]).map((l) => l.body);
}

describe('GET /api/logs filters', () => {
  test('machine, site, level minimum, component, time range, full text', async () => {
    assert.deepEqual(await bodies('machine_id=F1&level=ERROR'), ['Tamper switch open', 'Payment declined code 51']);
    assert.deepEqual(await bodies('site=south'), ['Bill validator JAM', 'Temperature 9C above limit']);
    assert.deepEqual(await bodies('component=payment'), ['Bill validator JAM', 'Payment declined code 51']);
    assert.deepEqual(await bodies('level=CRITICAL'), ['Tamper switch open']);
    assert.deepEqual(await bodies(`from=${new Date(NOW - 3.5 * HOUR).toISOString()}&to=${NOW - HOUR}`), ['Bill validator JAM', 'Vend OK slot 4']);
    assert.deepEqual(await bodies('q=jam'), ['Bill validator JAM', 'Coin mech jam detected']);
    assert.deepEqual(await bodies('q=JAM%20coin'), ['Coin mech jam detected']);
    assert.deepEqual(await bodies('q=ja'), [], 'whole tokens only');
  });

  test('401 without the admin token; 400 on unknown or bad parameters', async () => {
    assert.equal((await fetch(`${b.url}/api/logs`)).status, 401);
    const wrong = await fetch(`${b.url}/api/logs`, { headers: { authorization: 'Bearer nope' } });
    assert.equal(wrong.status, 401);
    for (const q of ['machine=F1', 'limit=1001', 'limit=0', 'level=LOUD', 'from=yesterday', 'cursor=garbage', 'machine_id=F1&machine_id=F2']) {
      const { status, body } = await b.admin(`/api/logs?${q}`);
      assert.equal(status, 400, q);
      assert.match(body.error.code, /^FLEETLOG_ERR_(BAD_REQUEST|BAD_CURSOR)$/, q);
    }
    const res = await fetch(`${b.url}/api/nothing`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
    assert.equal(res.status, 404);
  });
});

describe('pagination', () => {
  test('pages cover every row exactly once while rows are being inserted', async () => {
    const base = NOW - 10 * HOUR;
    const initial = Array.from({ length: 1000 }, (_, i) => rec(base + i * 1000, `page row ${i}`, 9, 'pager', `p:${i}`));
    await store('P1', '', initial);
    let extra = 0;
    let inserting = true;
    const writer = (async () => {
      while (inserting && extra < 4000) {
        // new rows at both ends of the range and in the middle, as live traffic and backfills do
        const batch = [0, 1, 2].map((k) => rec(base + ((extra * 7919 + k * 333_331) % 1_000_000) + 1, `late row ${extra}-${k}`, 9, 'pager', `late:${extra}:${k}`));
        batch.push(rec(NOW + extra, `live row ${extra}`, 9, 'pager', `live:${extra}`));
        await store('P1', '', batch);
        extra += 1;
      }
    })();
    const seen = new Set<string>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `machine_id=P1&limit=37${cursor ? `&cursor=${cursor}` : ''}`;
      const { status, body } = await b.admin(`/api/logs?${query}`);
      assert.equal(status, 200, JSON.stringify(body));
      for (const log of body.logs as { record_id: string }[]) {
        assert.ok(!seen.has(log.record_id), `repeated ${log.record_id}`);
        seen.add(log.record_id);
      }
      cursor = body.next_cursor;
      pages += 1;
      assert.ok(pages < 1000);
    } while (cursor);
    inserting = false;
    await writer;
    assert.ok(extra > 0, 'inserts ran during the pagination');
    for (let i = 0; i < 1000; i += 1) assert.ok(seen.has(`p:${i}`), `missed p:${i}`);
  });

  test('a cursor is refused for other filters', async () => {
    const first = await b.admin('/api/logs?machine_id=F1&limit=2');
    assert.ok(first.body.next_cursor);
    const other = await b.admin(`/api/logs?machine_id=F2&limit=2&cursor=${first.body.next_cursor}`);
    assert.equal(other.status, 400);
    assert.equal(other.body.error.code, 'FLEETLOG_ERR_BAD_CURSOR');
  });
});

describe('GET /api/logs/export', () => {
  test('NDJSON and CSV stream every matching row', async () => {
    const nd = await fetch(`${b.url}/api/logs/export?machine_id=F1`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
    assert.equal(nd.status, 200);
    assert.equal(nd.headers.get('content-type'), 'application/x-ndjson');
    const lines = (await nd.text()).trim().split('\n').map((l) => JSON.parse(l) as { body: string });
    assert.deepEqual(lines.map((l) => l.body), ['heartbeat', 'Tamper switch open', 'Vend OK slot 4', 'Payment declined code 51', 'Coin mech jam detected']);
    const csv = await fetch(`${b.url}/api/logs/export?site=south&format=csv`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
    const rows = (await csv.text()).trim().split('\r\n');
    assert.equal(rows.length, 3);
    assert.match(rows[0]!, /^time,machine_id,site,level/);
    assert.match(rows[1]!, /^"[^"]+Z","F2","south","ERROR",17,"payment","","Bill validator JAM","\{""component"":""payment""\}","f2:1","","otlp_proto","[^"]+Z"$/);
  });
});

describe('machines', () => {
  test('list with status, last heartbeat and error counts; status of one; 404 for unknown', async () => {
    const { status, body } = await b.admin('/api/machines');
    assert.equal(status, 200);
    const byId = new Map((body.machines as { machine_id: string }[]).map((m) => [m.machine_id, m as Record<string, unknown>]));
    const f1 = byId.get('F1')!;
    assert.equal(f1.name, 'Lobby');
    assert.equal(f1.status, 'degraded');
    assert.deepEqual(f1.status_reasons, ['1 CRITICAL in the last hour']);
    assert.equal(f1.criticals_last_hour, 1);
    assert.equal(f1.errors_last_hour, 1);
    assert.equal(f1.errors_last_day, 2);
    assert.ok(f1.last_heartbeat);
    const f2 = byId.get('F2')!;
    assert.equal(f2.status, 'degraded');
    assert.deepEqual(f2.status_reasons, ['no heartbeat received']);
    assert.equal(f2.errors_last_day, 1);
    assert.equal(f2.errors_last_hour, 0);
    assert.equal(f1.registered, true);
    const unregistered = byId.get('P1')!;
    assert.equal(unregistered.registered, false, 'seen in logs, not in the registry: listed');
    assert.equal(unregistered.created_at, null);
    const f3 = byId.get('F3')!;
    assert.equal(f3.status, 'offline');
    assert.equal(f3.last_seen, null);
    const one = await b.admin('/api/machines/F1/status');
    assert.equal(one.body.status, 'degraded');
    // Re-sending F1's records does not inflate its counts (each record counted once).
    await store('F1', 'north', [
      rec(NOW - 4 * HOUR, 'Payment declined code 51', 17, 'payment', 'f1:2'),
      rec(NOW - 30 * 60_000, 'Tamper switch open', 21, 'door', 'f1:4'),
    ]);
    const again = (await b.admin('/api/machines/F1/status')).body;
    assert.deepEqual([again.errors_last_hour, again.criticals_last_hour, again.errors_last_day], [1, 1, 2]);
    const missing = await b.admin('/api/machines/NOPE/status');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'FLEETLOG_ERR_NOT_FOUND');
  });
});

// The store's acceptance suite, run against every way of reaching ClickHouse: the embedded engine
// (store.test.ts), the HTTP engine's client code over chDB (http-client-store.test.ts), and a real ClickHouse server
// when FLEETLOG_TEST_CLICKHOUSE_URL is set (store.test.ts).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { msToUnixNano, type LogBatch, type LogRecord } from '../../collector/component/log-record.js';
import { InsertBatcher } from '../ingest/insert-batcher.js';
import { storeRecords } from '../ingest/store-records.js';
import { MIGRATIONS } from '../store/migrations.js';
import { openTempStore, type TempStore, type TempStoreEngine } from './temp-store.js';

const NOW = Date.parse('2026-11-20T12:00:00Z');

function rec(msAgo: number, body: string, extra: Partial<LogRecord> = {}): LogRecord {
  return {
    timeUnixNano: msToUnixNano(NOW - msAgo), observedTimeUnixNano: '0', severityNumber: 9, severityText: 'INFO',
    body, attributes: { component: 'payment' }, ...extra,
  };
}

function batch(machine: string, records: LogRecord[]): LogBatch {
  return { resource: { 'device.id': machine, site: 'north' }, records };
}

const NAMES: Record<TempStoreEngine, string> = {
  'embedded': 'embedded chDB',
  'server': 'ClickHouse server',
  'client-over-chdb': 'HTTP engine client code over chDB',
};

export function storeSuite(engine: TempStoreEngine): void {
  let temp: TempStore;
  let batcher: InsertBatcher;

  const deps = () => ({ batcher, now: () => NOW });

  describe(`store (${NAMES[engine]})`, () => {
    before(async () => {
      temp = await openTempStore(engine);
      batcher = new InsertBatcher((rows) => temp.store.insertLogRows(rows), { maxRows: 5000, maxDelayMs: 20, maxPendingRows: 1_000_000 });
    });
    after(async () => {
      await batcher.close();
      await temp.close();
    });

    test('migrations are recorded and re-running them applies nothing', async () => {
      const again = await temp.store.migrate();
      assert.deepEqual(again.applied, []);
      assert.equal(again.current, Math.max(...MIGRATIONS.map((m) => m.version)));
    });

    test('round trip: stored records come back newest first with their fields', async () => {
      const records = [rec(3000, 'Coin jam in slot 4', { severityNumber: 17, severityText: 'ERROR', recordId: 'f1:1' }), rec(2000, 'Vend OK slot 4', { recordId: 'f1:2' })];
      const result = await storeRecords(deps(), { machineId: 'RT01', batch: batch('RT01', records), source: 'otlp_proto' });
      assert.deepEqual(result, { accepted: 2, rejected: 0, message: '' });
      const page = await temp.store.queryLogs({ machineId: 'RT01' }, 10);
      assert.equal(page.rows.length, 2);
      assert.equal(page.rows[0]!.body, 'Vend OK slot 4');
      assert.equal(page.rows[1]!.level, 'ERROR');
      assert.equal(page.rows[1]!.component, 'payment');
      assert.equal(page.rows[1]!.site, 'north');
      assert.equal(page.rows[1]!.record_id, 'f1:1');
      assert.equal(page.rows[1]!.time_unix_nano, msToUnixNano(NOW - 3000));
      assert.equal(page.rows[1]!.time, new Date(NOW - 3000).toISOString().replace('Z', '000000Z'));
    });

    test('a re-sent batch is stored once (with and without record ids)', async () => {
      const withIds = [rec(5000, 'door open', { recordId: 'x:1' }), rec(4000, 'door closed', { recordId: 'x:2' })];
      const withoutIds = [rec(3000, 'temp 4C'), rec(2000, 'temp 5C')];
      for (let i = 0; i < 3; i += 1) {
        await storeRecords(deps(), { machineId: 'DUP1', batch: batch('DUP1', withIds), source: 'otlp_proto' });
        await storeRecords(deps(), { machineId: 'DUP1', batch: batch('DUP1', withoutIds), source: 'otlp_json' });
      }
      assert.equal(await temp.store.countLogs({ machineId: 'DUP1' }), 4);
      assert.equal((await temp.store.queryLogs({ machineId: 'DUP1' }, 100)).rows.length, 4);
    });

    test('a 3-day backfill of one machine is accepted and queryable by range', async () => {
      const records: LogRecord[] = [];
      for (let i = 0; i < 3 * 24 * 12; i += 1) records.push(rec(i * 5 * 60_000, `tick ${i}`, { recordId: `bf:${i}` }));
      await storeRecords(deps(), { machineId: 'BF01', batch: batch('BF01', records), source: 'otlp_proto' });
      assert.equal(await temp.store.countLogs({ machineId: 'BF01' }), records.length);
      const dayAgo = msToUnixNano(NOW - 24 * 3600_000);
      assert.equal(await temp.store.countLogs({ machineId: 'BF01', fromNs: dayAgo }), 24 * 12 + 1);
    });

    test('export streams every row of a multi-day range newest first, day partition by day partition', async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of temp.store.exportLogs({ machineId: 'BF01' }, 'ndjson')) chunks.push(Buffer.from(chunk));
      const rows = Buffer.concat(chunks).toString('utf8').trim().split('\n').map((l) => JSON.parse(l) as { body: string; time_unix_nano: string });
      assert.equal(rows.length, 3 * 24 * 12);
      for (let i = 1; i < rows.length; i += 1) assert.ok(BigInt(rows[i - 1]!.time_unix_nano) > BigInt(rows[i]!.time_unix_nano), `order at ${i}`);
      assert.equal(rows[0]!.body, 'tick 0');
      const ranged: Buffer[] = [];
      const from = msToUnixNano(NOW - 30 * 3600_000);
      for await (const chunk of temp.store.exportLogs({ machineId: 'BF01', fromNs: from, toNs: msToUnixNano(NOW - 6 * 3600_000) }, 'csv')) ranged.push(Buffer.from(chunk));
      assert.equal(Buffer.concat(ranged).toString('utf8').trim().split('\r\n').length, 24 * 12);
    });

    test('more than 100 days in one batch is split into inserts of at most 100 partitions', async () => {
      const records: LogRecord[] = [];
      for (let d = 0; d < 150; d += 1) records.push(rec(d * 86_400_000, `day ${d}`, { recordId: `long:${d}` }));
      await storeRecords(deps(), { machineId: 'BF02', batch: batch('BF02', records), source: 'otlp_proto' });
      assert.equal(await temp.store.countLogs({ machineId: 'BF02' }), 150);
    });

    test('any text survives the round trip (lone surrogates become U+FFFD instead of failing the insert)', async () => {
      const texts = ['nul \u0000 byte', 'emoji 😀 and 中文', 'quotes " \' \\ back', 'tab\tnew\nline\r', '\u2028\u2029', 'x'.repeat(100_000), '{"json": [1, 2]}'];
      const records = texts.map((text, i) => rec(50_000 + i, text, { recordId: `txt:${i}`, attributes: { component: 'text', [`key ${text.slice(0, 12)}`]: text } }));
      records.push(rec(60_000, 'lone \ud800 surrogate', { recordId: 'txt:lone', attributes: { component: 'text', 'k\udfff': 'v\ud800' } }));
      await storeRecords(deps(), { machineId: 'TXT1', batch: batch('TXT1', records), source: 'otlp_proto' });
      const rows = (await temp.store.queryLogs({ machineId: 'TXT1' }, 100)).rows;
      for (const [i, text] of texts.entries()) {
        const row = rows.find((r) => r.record_id === `txt:${i}`)!;
        assert.equal(row.body, text, `body ${i}`);
        assert.equal(row.attributes[`key ${text.slice(0, 12)}`], text, `attribute ${i}`);
      }
      const lone = rows.find((r) => r.record_id === 'txt:lone')!;
      assert.equal(lone.body, 'lone \ufffd surrogate');
      assert.equal(lone.attributes['k\ufffd'], 'v\ufffd');
    });

    test('times more than 5 minutes in the future are clamped and flagged', async () => {
      const future = rec(-3600_000, 'from the future', { recordId: 'fut:1' });
      const nearFuture = rec(-60_000, 'slightly ahead', { recordId: 'fut:2' });
      await storeRecords(deps(), { machineId: 'FUT1', batch: batch('FUT1', [future, nearFuture]), source: 'otlp_proto', receivedAtMs: NOW });
      const rows = (await temp.store.queryLogs({ machineId: 'FUT1' }, 10)).rows;
      const clamped = rows.find((r) => r.body === 'from the future')!;
      assert.equal(clamped.time_unix_nano, msToUnixNano(NOW));
      assert.equal(clamped.clock_flags, 1);
      assert.equal(clamped.attributes['fleetlog.original_time_unix_nano'], msToUnixNano(NOW + 3600_000));
      const near = rows.find((r) => r.body === 'slightly ahead')!;
      assert.equal(near.clock_flags, 0);
      assert.equal(near.time_unix_nano, msToUnixNano(NOW + 60_000));
    });

    test('a re-sent future-dated batch is stored once, at the time its first copy got', async () => {
      const records = [
        rec(-3 * 3600_000, 'clock ahead with id', { recordId: 'fut2:1' }),
        rec(-3 * 3600_000 - 1, 'clock ahead without id'),
        rec(-7 * 86_400_000, 'a week ahead with id', { recordId: 'fut2:2', severityNumber: 17 }),
      ];
      const send = (receivedAtMs: number) => storeRecords(deps(), { machineId: 'FUT2', batch: batch('FUT2', records), source: 'otlp_proto', receivedAtMs });
      await send(NOW);
      // Re-sent later (new receive times, one of them on the next day), and twice at once.
      await send(NOW + 10 * 60_000);
      await Promise.all([send(NOW + 2 * 3600_000), send(NOW + 2 * 3600_000 + 1)]);
      // Re-sent when the first two records' times are no longer in the future: still stored once.
      await send(NOW + 86_400_000);
      assert.equal(await temp.store.countLogs({ machineId: 'FUT2' }), 3);
      const rows = (await temp.store.queryLogs({ machineId: 'FUT2' }, 10)).rows;
      assert.deepEqual(rows.map((r) => [r.time_unix_nano, r.clock_flags]), records.map(() => [msToUnixNano(NOW), 1]));
      assert.deepEqual(rows.map((r) => r.attributes['fleetlog.original_time_unix_nano']).sort(), records.map((r) => r.timeUnixNano).sort());
      // The error rollup counts the record once.
      const errors = await temp.store.engine.query<{ n: string }>(
        `SELECT toString(uniqExactMerge(errors)) AS n FROM ${temp.store.db}.machine_errors_1m WHERE machine_id = 'FUT2'`);
      assert.equal(errors[0]!.n, '1');
    });

    test('records claiming another device.id are refused and counted', async () => {
      const forgedResource = await storeRecords(deps(), { machineId: 'OWN1', batch: batch('OTHER', [rec(1000, 'x')]), source: 'otlp_proto' });
      assert.equal(forgedResource.accepted, 0);
      assert.equal(forgedResource.rejected, 1);
      assert.match(forgedResource.message, /OTHER/);
      const mixed = await storeRecords(deps(), {
        machineId: 'OWN1', source: 'otlp_proto',
        batch: batch('OWN1', [rec(1000, 'mine'), rec(900, 'not mine', { attributes: { 'device.id': 'OTHER' } })]),
      });
      assert.equal(mixed.accepted, 1);
      assert.equal(mixed.rejected, 1);
      assert.equal(await temp.store.countLogs({ machineId: 'OWN1' }), 1);
      assert.equal(await temp.store.countLogs({ machineId: 'OTHER' }), 0);
    });
  });
}

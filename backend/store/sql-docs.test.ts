// Every example query in docs/sql.md runs on the real store (the read-only user statements need a server and are
// skipped), and the columns the docs list are the columns the tables have.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { msToUnixNano } from '../../collector/component/log-record.js';
import { InsertBatcher } from '../ingest/insert-batcher.js';
import { storeRecords } from '../ingest/store-records.js';
import { openTempStore, type TempStore } from '../testing/temp-store.js';

const docs = readFileSync(new URL('../../docs/sql.md', import.meta.url), 'utf8');
let temp: TempStore;

before(async () => {
  temp = await openTempStore();
  await temp.store.upsertMachine({ machineId: 'VM001', site: 'north' });
  await temp.store.upsertMachine({ machineId: 'VM002', site: 'north' });
  const batcher = new InsertBatcher((rows) => temp.store.insertLogRows(rows), { maxRows: 10, maxDelayMs: 1, maxPendingRows: 1000 });
  const now = Date.now();
  await storeRecords({ batcher }, {
    machineId: 'VM001', source: 'otlp_proto',
    batch: { resource: {}, records: [
      { timeUnixNano: msToUnixNano(now - 60_000), observedTimeUnixNano: '0', severityNumber: 17, severityText: 'ERROR', body: 'Payment declined, coin jam', attributes: { component: 'payment', 'payment.txn_id': 'T1' } },
      { timeUnixNano: msToUnixNano(now + 3600_000), observedTimeUnixNano: '0', severityNumber: 9, severityText: 'INFO', body: 'clock ahead', attributes: {} },
    ] },
  });
  await batcher.close();
});
after(async () => { await temp.close(); });

test('the example queries in docs/sql.md run and answer', async () => {
  const blocks = [...docs.matchAll(/```sql\n([\s\S]*?)```/g)].map((m) => m[1]!.trim());
  assert.ok(blocks.length >= 8);
  const answers = new Map<string, unknown[]>();
  for (const sql of blocks.filter((b) => !/CREATE USER|GRANT/.test(b))) {
    answers.set(sql, await temp.store.engine.query(sql));
  }
  const payment = [...answers].find(([sql]) => sql.includes("component = 'payment'"))![1] as { txn: string }[];
  assert.deepEqual(payment.map((r) => r.txn), ['T1']);
  const silent = [...answers].find(([sql]) => sql.includes('INTERVAL 30 MINUTE'))![1] as { machine_id: string }[];
  assert.deepEqual(silent.map((r) => r.machine_id), ['VM002']);
  const clamped = [...answers].find(([sql]) => sql.includes('bitAnd(clock_flags, 1)'))![1] as { clamped: string }[];
  assert.equal(Number(clamped[0]!.clamped), 1);
  const text = [...answers].find(([sql]) => sql.includes("hasToken(lower(body), 'jam')"))![1];
  assert.equal(text.length, 1);
});

test('the columns documented for each table are the columns it has', async () => {
  for (const table of ['logs', 'machines', 'machine_activity', 'machine_errors_1m', 'api_keys', 'clamped_times']) {
    const section = docs.slice(docs.indexOf(`### fleet.${table} `), docs.indexOf('\n### ', docs.indexOf(`### fleet.${table} `) + 5));
    const documented = new Set([...section.matchAll(/^\| `([a-z_]+)`(?:, `([a-z_]+)`)?(?:, \.?`?([a-z_]+)`?)? \|/gm)].flatMap((m) => [m[1], m[2], m[3]]).filter(Boolean));
    const actual = (await temp.store.engine.query<{ name: string }>(`SELECT name FROM system.columns WHERE database = 'fleet' AND table = '${table}'`)).map((r) => r.name);
    assert.deepEqual(actual.filter((c) => !documented.has(c)), [], `undocumented columns of ${table}`);
    assert.deepEqual([...documented].filter((c) => !actual.includes(c!)), [], `documented but absent in ${table}`);
  }
});

// The DDL variants: cluster (ON CLUSTER + Replicated*) as text, and the token-bloom-filter body index (servers
// older than 26.2) run for real on chDB with the same queries as the text index.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { msToUnixNano } from '../../collector/component/log-record.js';
import { InsertBatcher } from '../ingest/insert-batcher.js';
import { storeRecords } from '../ingest/store-records.js';
import { openTempStore, type TempStore } from '../testing/temp-store.js';
import { MIGRATIONS, type DdlContext } from './migrations.js';
import { Store } from './store.js';

const base: DdlContext = { db: 'fleet', cluster: undefined, fullTextIndex: 'text', retentionDays: 90 };

test('on a cluster every statement runs ON CLUSTER and every table is Replicated', () => {
  const statements = MIGRATIONS.flatMap((m) => m.statements({ ...base, cluster: 'fleet_cluster' }));
  for (const sql of statements) {
    assert.match(sql, /^CREATE (TABLE|MATERIALIZED VIEW) IF NOT EXISTS fleet\.\w+ ON CLUSTER `fleet_cluster`/, sql.slice(0, 80));
    if (sql.startsWith('CREATE TABLE')) assert.match(sql, /ENGINE = Replicated\w+MergeTree\(/, sql.slice(0, 80));
  }
  const single = MIGRATIONS.flatMap((m) => m.statements(base));
  assert.ok(single.every((sql) => !sql.includes('ON CLUSTER') && !sql.includes('Replicated')));
  assert.match(single.join('\n'), /ENGINE = ReplacingMergeTree\(keep_first\)/);
});

let temp: TempStore;
before(async () => { temp = await openTempStore(); });
after(async () => { await temp.close(); });

test('the token-bloom-filter schema works with the same queries', async () => {
  const store = new Store(temp.store.engine, { ...base, db: 'fleet_bf', fullTextIndex: 'tokenbf', retentionDays: 3650 });
  await store.migrate();
  const ddl = await store.engine.query<{ statement: string }>('SHOW CREATE TABLE fleet_bf.logs');
  assert.match(ddl[0]!.statement, /tokenbf_v1/);
  const batcher = new InsertBatcher((rows) => store.insertLogRows(rows), { maxRows: 10, maxDelayMs: 1, maxPendingRows: 100 });
  await storeRecords({ batcher }, {
    machineId: 'BF1', source: 'otlp_proto',
    batch: { resource: {}, records: ['Coin jam in slot 3', 'Vend OK'].map((body, i) => ({ timeUnixNano: msToUnixNano(Date.now() - i * 1000), observedTimeUnixNano: '0', severityNumber: 9, severityText: '', body, attributes: {} })) },
  });
  await batcher.close();
  const page = await store.queryLogs({ machineId: 'BF1', words: ['jam'] }, 10);
  assert.deepEqual(page.rows.map((r) => r.body), ['Coin jam in slot 3']);
});

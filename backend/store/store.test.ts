import { test } from 'node:test';
import assert from 'node:assert/strict';
import { storeSuite } from '../testing/store-suite.js';
import { splitByPartitions } from './store.js';
import type { LogRowInsert } from './log-row.js';

test('splitByPartitions keeps every row and at most N days per chunk', () => {
  const rows = Array.from({ length: 250 }, (_, i) => ({ ts: `${(i % 230) * 86_400 + 5}.000000000` }) as LogRowInsert);
  const chunks = splitByPartitions(rows, 100);
  assert.equal(chunks.flat().length, 250);
  for (const chunk of chunks) assert.ok(new Set(chunk.map((r) => r.ts)).size <= 100);
  assert.equal(chunks.length, 3);
});

// The same suite runs on the embedded engine always, and on a ClickHouse server when FLEETLOG_TEST_CLICKHOUSE_URL is set.
storeSuite('embedded');
if (process.env.FLEETLOG_TEST_CLICKHOUSE_URL) storeSuite('server');

// Test helper: a real embedded store (chDB) in a fresh temp folder, removed on close. One per test file
// (chDB allows one data folder per process).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultBackendConfig } from '../config.js';
import { HttpEngine } from '../store/http-engine.js';
import { openStore, openStoreOn } from '../store/open-store.js';
import type { Store } from '../store/store.js';

export interface TempStore {
  readonly store: Store;
  readonly dir: string;
  close(): Promise<void>;
}

export type TempStoreEngine = 'embedded' | 'server' | 'client-over-chdb';

/**
 * `embedded` — chDB in a temp folder. `server` — the ClickHouse server at FLEETLOG_TEST_CLICKHOUSE_URL
 * (user/password in the URL or FLEETLOG_TEST_CLICKHOUSE_USER/_PASSWORD), in a fresh database dropped on close.
 * `client-over-chdb` — the HTTP engine's client code with chDB in a temp folder as its connection.
 */
export async function openTempStore(engine: TempStoreEngine = 'embedded'): Promise<TempStore> {
  const dir = mkdtempSync(join(tmpdir(), 'fleetlog-store-'));
  const config = defaultBackendConfig({ path: join(dir, 'clickhouse') });
  // Long retention: tests store records from months ago (backfills) that the default TTL would drop.
  let storage = { ...config.storage, retentionDays: 3650 };
  if (engine === 'server') {
    const url = new URL(process.env.FLEETLOG_TEST_CLICKHOUSE_URL ?? 'http://127.0.0.1:8123');
    const user = decodeURIComponent(url.username) || (process.env.FLEETLOG_TEST_CLICKHOUSE_USER ?? 'default');
    const password = decodeURIComponent(url.password) || (process.env.FLEETLOG_TEST_CLICKHOUSE_PASSWORD ?? '');
    url.username = '';
    url.password = '';
    storage = { ...storage, engine: 'server', url: url.toString().replace(/\/$/, ''), user, password, database: `fleetlog_test_${process.pid}_${Date.now()}` };
  }
  let store: Store;
  if (engine === 'client-over-chdb') {
    const { createChdbConnection } = await import('chdb/connection');
    const connection = createChdbConnection({ path: join(dir, 'clickhouse') });
    const http = await HttpEngine.open({ url: 'http://chdb.invalid:8123', username: 'default', password: '', database: 'default', requestTimeoutMs: 30_000, connection });
    store = await openStoreOn(http, { ...storage, engine: 'server' });
  } else {
    store = await openStore(storage);
  }
  return {
    store,
    dir,
    async close() {
      if (engine === 'server') await store.engine.command(`DROP DATABASE IF EXISTS ${store.db}`);
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

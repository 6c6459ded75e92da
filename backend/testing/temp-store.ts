// Test helper: a real embedded store (chDB) in a fresh temp folder, removed on close. One per test file
// (chDB allows one data folder per process).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultBackendConfig } from '../config.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';

export interface TempStore {
  readonly store: Store;
  readonly dir: string;
  close(): Promise<void>;
}

export async function openTempStore(): Promise<TempStore> {
  const dir = mkdtempSync(join(tmpdir(), 'fleetlog-store-'));
  const config = defaultBackendConfig({ path: join(dir, 'clickhouse') });
  // Long retention: tests store records from months ago (backfills) that the default TTL would drop.
  const store = await openStore({ ...config.storage, retentionDays: 3650 });
  return {
    store,
    dir,
    async close() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

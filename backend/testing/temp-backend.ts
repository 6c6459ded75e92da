// Test helper: a real backend (express on 127.0.0.1, free port) over a real embedded store in a temp folder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultBackendConfig, type BackendConfig } from '../config.js';
import { startBackend, type RunningBackend } from '../server.js';
import { openStore } from '../store/open-store.js';

export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789';

export interface TempBackend extends RunningBackend {
  readonly dir: string;
  readonly config: BackendConfig;
  /** A device key for a machine (created through the same code as `fleetlog keys create`). */
  key(machineId: string, site?: string): Promise<string>;
  admin(path: string): Promise<{ status: number; body: any; headers: Headers }>;
  stop(): Promise<void>;
}

export async function startTempBackend(overrides: { ingest?: Partial<BackendConfig['ingest']>; exports?: Partial<BackendConfig['exports']>; now?: () => number } = {}): Promise<TempBackend> {
  const dir = mkdtempSync(join(tmpdir(), 'fleetlog-backend-'));
  const base = defaultBackendConfig({ path: join(dir, 'clickhouse'), adminToken: TEST_ADMIN_TOKEN });
  const config: BackendConfig = {
    ...base, port: 0, host: '127.0.0.1',
    storage: { ...base.storage, retentionDays: 3650 },
    ingest: { ...base.ingest, batchMaxDelayMs: 50, ...overrides.ingest },
    exports: { ...base.exports, ...overrides.exports },
  };
  const store = await openStore(config.storage);
  const running = await startBackend(config, { store, ...(overrides.now ? { now: overrides.now } : {}) });
  return {
    ...running,
    dir,
    config,
    key: async (machineId, site) => (await running.backend.keys.create(machineId, site)).key,
    admin: async (path) => {
      const res = await fetch(`${running.url}${path}`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
      const text = await res.text();
      let body: unknown = text;
      try { body = JSON.parse(text); } catch { /* not JSON */ }
      return { status: res.status, body, headers: res.headers };
    },
    stop: async () => {
      await running.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

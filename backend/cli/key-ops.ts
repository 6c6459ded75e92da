// What the `fleetlog keys …` commands need, two ways: straight on the store, or through a running backend's
// admin API (when the embedded store is locked by that backend — chDB allows one process per data folder).
import { DeviceKeys } from '../auth/device-keys.js';
import { keyView } from '../api/keys-route.js';
import type { BackendConfig } from '../config.js';
import { ApiError, type BackendErrorCode } from '../errors.js';
import type { Store } from '../store/store.js';

export interface KeyView {
  id: string;
  machine_id: string;
  site: string;
  created_at: string;
  revoked_at: string | null;
}

export interface KeyOps {
  /** Where the operation ran, for the output. */
  readonly where: string;
  create(machineId: string, site: string | undefined): Promise<{ id: string; machine_id: string; site: string; key: string }>;
  list(): Promise<KeyView[]>;
  revoke(id: string): Promise<boolean>;
}

export function storeKeyOps(store: Store): KeyOps {
  const keys = new DeviceKeys(store);
  return {
    where: 'the store',
    async create(machineId, site) {
      const k = await keys.create(machineId, site);
      return { id: k.keyId, machine_id: k.machineId, site: k.site, key: k.key };
    },
    list: async () => (await keys.list()).map((k) => keyView(k) as unknown as KeyView),
    revoke: (id) => keys.revoke(id),
  };
}

/** The backend's base URL as this config would listen (a wildcard host is reached on loopback). */
export function backendUrl(config: BackendConfig): string {
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.port}`;
}

export function httpKeyOps(baseUrl: string, adminToken: string): KeyOps {
  const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(30_000),
    });
    const json = await res.json().catch(() => ({})) as any;
    if (res.status >= 400 && res.status !== 404) {
      const code = (json?.error?.code ?? 'FLEETLOG_ERR_INTERNAL_API') as BackendErrorCode;
      throw new ApiError(code, `the backend at ${baseUrl} answered ${res.status}: ${json?.error?.message ?? ''}`);
    }
    return { status: res.status, json };
  };
  return {
    where: `the running backend at ${baseUrl}`,
    async create(machineId, site) {
      return (await call('POST', '/api/keys', { machine_id: machineId, ...(site !== undefined ? { site } : {}) })).json;
    },
    list: async () => (await call('GET', '/api/keys')).json.keys as KeyView[],
    revoke: async (id) => (await call('DELETE', `/api/keys/${encodeURIComponent(id)}`)).status === 200,
  };
}

// The backend's `eport:` section: where forwarded ePort payloads arrive (a drop folder and/or the HTTP route).
import { isAbsolute, join } from 'node:path';
import { DURATION_SCHEMA, parseDurationMs } from '../../collector/config/units.js';

export const EPORT_BACKEND_CONFIG_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  default: {},
  description: 'Ingest of ePort payloads forwarded by the USAT server (FTP/e-mail drop folder, or POST /api/eport/payloads).',
  properties: {
    drop_dir: { type: 'string', minLength: 1, description: 'Folder the forwarding drops one file per payload into; watched when set (relative to the config file). Read files move to processed/, unreadable ones to rejected/ with a reason.' },
    rejected_dir: { type: 'string', minLength: 1, description: 'Where unreadable payloads are kept with a .reason.txt (default <drop_dir>/rejected).' },
    bridge_keys: { type: 'array', default: [], items: { type: 'string', minLength: 16 }, description: 'Keys of FTP/e-mail bridges allowed to POST payloads of any machine; env FLEETLOG_EPORT_BRIDGE_KEY adds one.' },
    poll_interval: { ...DURATION_SCHEMA, default: '1s', description: 'Full rescan of the drop folder (file-system events trigger scans sooner).' },
  },
} as const;

export interface EportBackendConfig {
  readonly dropDir: string | undefined;
  readonly rejectedDir: string | undefined;
  readonly bridgeKeys: readonly string[];
  readonly pollMs: number;
}

export interface EportBackendYaml {
  drop_dir?: string;
  rejected_dir?: string;
  bridge_keys?: string[];
  poll_interval?: number | string;
}

export function resolveEportConfig(raw: EportBackendYaml | undefined, directory: string, env: NodeJS.ProcessEnv): EportBackendConfig {
  const at = (p: string | undefined): string | undefined => (p === undefined ? undefined : isAbsolute(p) ? p : join(directory, p));
  const dropDir = at(raw?.drop_dir);
  const bridgeKeys = [...(raw?.bridge_keys ?? [])];
  if (env.FLEETLOG_EPORT_BRIDGE_KEY) bridgeKeys.push(env.FLEETLOG_EPORT_BRIDGE_KEY);
  return Object.freeze({
    dropDir,
    rejectedDir: at(raw?.rejected_dir) ?? (dropDir === undefined ? undefined : join(dropDir, 'rejected')),
    bridgeKeys: Object.freeze(bridgeKeys),
    pollMs: parseDurationMs(raw?.poll_interval ?? '1s'),
  });
}

// One `fleetlog validate` for both kinds of config in configs/: a collector config (receivers, exporters, service)
// or a backend config (listen, storage, ingest …). The kind is told from the top-level keys.
import { loadYamlFile } from '../config/yaml-source.js';
import type { ConfigIssue } from '../config/issue.js';

const BACKEND_KEYS = ['listen', 'ingest', 'api', 'status'];
const COLLECTOR_KEYS = ['receivers', 'processors', 'exporters', 'service', 'plugins'];

export type ConfigKind = 'collector' | 'backend';

/** `backend` when the top level has a backend key and no collector key; otherwise `collector`. */
export function configKindOf(value: unknown): ConfigKind {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'collector';
  const keys = Object.keys(value);
  if (keys.some((k) => COLLECTOR_KEYS.includes(k))) return 'collector';
  return keys.some((k) => BACKEND_KEYS.includes(k)) ? 'backend' : 'collector';
}

/** The kind of the config file (a file that cannot be read or parsed counts as a collector config). */
export function configKindOfFile(file: string, env: NodeJS.ProcessEnv): ConfigKind {
  return configKindOf(loadYamlFile(file, { env, dotEnv: false }).value);
}

/** Validates a backend config with the backend's own loader (imported only when needed). */
export async function validateBackendConfig(file: string, env: NodeJS.ProcessEnv): Promise<readonly ConfigIssue[]> {
  const backend = await import('../../backend/config.js');
  return backend.loadBackendConfig(file, env).issues;
}

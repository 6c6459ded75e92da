// `fleetlog backend --config FILE`: the schema (single source of keys, defaults and descriptions), the resolved
// type, and loadBackendConfig, which reports every problem with file:line:col (the collector's YAML loader).
import { resolve } from 'node:path';
import { parseBytes, parseDurationMs, BYTES_SCHEMA, DURATION_SCHEMA } from '../collector/config/units.js';
import { loadYamlFile, parseYamlText, type YamlSource } from '../collector/config/yaml-source.js';
import { validateWithSchema } from '../collector/config/validate-schema.js';
import type { ConfigIssue } from '../collector/config/issue.js';
import type { StatusRule } from './store/machine-status.js';
import { EPORT_BACKEND_CONFIG_SCHEMA, resolveEportConfig, type EportBackendConfig, type EportBackendYaml } from './ingest/eport-config.js';

const IDENTIFIER = '^[A-Za-z_][A-Za-z0-9_]*$';

export const BACKEND_CONFIG_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    listen: { type: 'string', default: '127.0.0.1:4318', pattern: '^[^\\s:]+:\\d{1,5}$', description: 'host:port to listen on; env FLEETLOG_PORT overrides the port.' },
    storage: {
      type: 'object',
      additionalProperties: false,
      default: {},
      description: 'Where logs are stored: embedded chDB (default) or a ClickHouse server/cluster over HTTP.',
      properties: {
        engine: { enum: ['embedded', 'server'], default: 'embedded', description: 'embedded = chDB in this process; server = ClickHouse over HTTP.' },
        path: { type: 'string', minLength: 1, default: './data/clickhouse', description: 'Data folder of the embedded engine (relative to the config file).' },
        url: { type: 'string', pattern: '^https?://', description: 'ClickHouse HTTP(S) URL (engine: server).' },
        user: { type: 'string', default: 'default', description: 'ClickHouse user (engine: server).' },
        password: { type: 'string', default: '', description: 'ClickHouse password (engine: server); use ${env:NAME}.' },
        database: { type: 'string', pattern: IDENTIFIER, default: 'fleet', description: 'Database holding the fleetlog tables.' },
        cluster: { type: 'string', pattern: IDENTIFIER, description: 'Cluster name: DDL runs ON CLUSTER and tables use Replicated* engines.' },
        request_timeout: { ...DURATION_SCHEMA, default: '30s', description: 'HTTP request timeout (engine: server).' },
        retention_days: { type: 'integer', minimum: 1, maximum: 3650, default: 90, description: 'Days a log row is kept (TTL, set when the table is created).' },
      },
    },
    ingest: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        max_body_size: { ...BYTES_SCHEMA, default: '5MiB', description: 'Largest request body accepted (as sent, compressed or not).' },
        max_decompressed_size: { ...BYTES_SCHEMA, default: '20MiB', description: 'Largest body after gzip decompression (gzip-bomb guard).' },
        batch_max_rows: { type: 'integer', minimum: 1, default: 5000, description: 'An insert is sent when this many rows are waiting…' },
        batch_max_delay: { ...DURATION_SCHEMA, default: '1s', description: '…or when the oldest waiting row is this old.' },
        max_pending_rows: { type: 'integer', minimum: 1, default: 200000, description: 'Rows waiting for storage above which requests get 429 + Retry-After.' },
        insert_concurrency: { type: 'integer', minimum: 1, maximum: 16, default: 2, description: 'Inserts running at once; each takes everything waiting (up to 4 × batch_max_rows).' },
        max_future_skew: { ...DURATION_SCHEMA, default: '5m', description: 'Record times further ahead of the server clock are clamped to the receive time and flagged.' },
      },
    },
    api: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        admin_token: { type: 'string', minLength: 16, description: 'Bearer token for the read API; env FLEETLOG_ADMIN_TOKEN overrides. Without one the read API answers 401.' },
        max_concurrent_exports: { type: 'integer', minimum: 1, maximum: 16, default: 2, description: 'Exports (GET /api/logs/export) streaming at once; further ones wait in line.' },
        export_queue_wait: { ...DURATION_SCHEMA, default: '15s', description: 'Longest an export waits in line before it is answered 503 FLEETLOG_ERR_EXPORT_BUSY + Retry-After.' },
        export_stall_timeout: { ...DURATION_SCHEMA, default: '30s', description: 'An export whose client reads nothing for this long is ended (frees its place for the next one).' },
      },
    },
    status: {
      type: 'object',
      additionalProperties: false,
      default: {},
      description: 'The machine status rule (docs/api.md, "Machine status").',
      properties: {
        offline_after: { ...DURATION_SCHEMA, default: '30m', description: 'Nothing received for longer → offline.' },
        heartbeat_stale: { ...DURATION_SCHEMA, default: '10m', description: 'Last heartbeat older than this → degraded.' },
        degraded_errors_per_hour: { type: 'integer', minimum: 1, default: 10, description: 'This many ERROR+ records in the last hour → degraded.' },
      },
    },
    eport: EPORT_BACKEND_CONFIG_SCHEMA,
  },
} as const;

export interface StorageConfig {
  readonly engine: 'embedded' | 'server';
  readonly path: string;
  readonly url: string | undefined;
  readonly user: string;
  readonly password: string;
  readonly database: string;
  readonly cluster: string | undefined;
  readonly requestTimeoutMs: number;
  readonly retentionDays: number;
}

export interface IngestConfig {
  readonly maxBodyBytes: number;
  readonly maxDecompressedBytes: number;
  readonly batchMaxRows: number;
  readonly batchMaxDelayMs: number;
  readonly maxPendingRows: number;
  readonly insertConcurrency: number;
  readonly maxFutureSkewMs: number;
}

export interface ExportConfig {
  readonly maxConcurrent: number;
  readonly queueWaitMs: number;
  readonly stallTimeoutMs: number;
}

export interface BackendConfig {
  readonly host: string;
  readonly port: number;
  readonly storage: StorageConfig;
  readonly ingest: IngestConfig;
  readonly adminToken: string | undefined;
  readonly exports: ExportConfig;
  readonly status: StatusRule;
  readonly eport?: EportBackendConfig;
}

interface RawConfig {
  listen: string;
  storage: { engine: 'embedded' | 'server'; path: string; url?: string; user: string; password: string; database: string; cluster?: string; request_timeout: number | string; retention_days: number };
  ingest: { max_body_size: number | string; max_decompressed_size: number | string; batch_max_rows: number; batch_max_delay: number | string; max_pending_rows: number; insert_concurrency: number; max_future_skew: number | string };
  api: { admin_token?: string; max_concurrent_exports: number; export_queue_wait: number | string; export_stall_timeout: number | string };
  status: { offline_after: number | string; heartbeat_stale: number | string; degraded_errors_per_hour: number };
  eport?: EportBackendYaml;
}

export interface LoadedBackendConfig {
  readonly config: BackendConfig | undefined;
  readonly issues: readonly ConfigIssue[];
}

/** Validates a parsed document; `env` supplies FLEETLOG_PORT and FLEETLOG_ADMIN_TOKEN; paths resolve from `directory`. */
export function resolveBackendConfig(source: Pick<YamlSource, 'file' | 'locate' | 'value' | 'issues' | 'directory'>, env: NodeJS.ProcessEnv): LoadedBackendConfig {
  const issues: ConfigIssue[] = [...source.issues];
  if (issues.some((i) => i.severity === 'error')) return { config: undefined, issues };
  const value = (source.value ?? {}) as RawConfig;
  issues.push(...validateWithSchema(BACKEND_CONFIG_SCHEMA as unknown as Record<string, unknown>, value, source));
  if (value.storage?.engine === 'server' && value.storage.url === undefined) {
    issues.push({
      code: 'FLEETLOG_ERR_CONFIG_RULE', severity: 'error', path: ['storage', 'url'], file: source.file,
      message: 'engine: server needs url (e.g. http://clickhouse:8123)',
      ...(source.locate(['storage']) ? { position: source.locate(['storage'])! } : {}),
    });
  }
  const portText = env.FLEETLOG_PORT;
  if (portText !== undefined && portText !== '' && !/^\d{1,5}$/.test(portText)) {
    issues.push({ code: 'FLEETLOG_ERR_CONFIG_ENV', severity: 'error', path: [], message: `FLEETLOG_PORT=${portText} is not a port number` });
  }
  if (issues.some((i) => i.severity === 'error')) return { config: undefined, issues };
  const at = value.listen.lastIndexOf(':');
  const port = portText !== undefined && portText !== '' ? Number(portText) : Number(value.listen.slice(at + 1));
  const s = value.storage;
  const path = resolve(source.directory, s.path);
  const config: BackendConfig = Object.freeze({
    host: value.listen.slice(0, at),
    port,
    storage: Object.freeze({
      engine: s.engine, path, url: s.url, user: s.user, password: s.password, database: s.database, cluster: s.cluster,
      requestTimeoutMs: parseDurationMs(s.request_timeout), retentionDays: s.retention_days,
    }),
    ingest: Object.freeze({
      maxBodyBytes: parseBytes(value.ingest.max_body_size),
      maxDecompressedBytes: parseBytes(value.ingest.max_decompressed_size),
      batchMaxRows: value.ingest.batch_max_rows,
      batchMaxDelayMs: parseDurationMs(value.ingest.batch_max_delay),
      maxPendingRows: value.ingest.max_pending_rows,
      insertConcurrency: value.ingest.insert_concurrency,
      maxFutureSkewMs: parseDurationMs(value.ingest.max_future_skew),
    }),
    adminToken: env.FLEETLOG_ADMIN_TOKEN || value.api.admin_token,
    exports: Object.freeze({
      maxConcurrent: value.api.max_concurrent_exports,
      queueWaitMs: parseDurationMs(value.api.export_queue_wait),
      stallTimeoutMs: parseDurationMs(value.api.export_stall_timeout),
    }),
    status: Object.freeze({
      offlineAfterMs: parseDurationMs(value.status.offline_after),
      heartbeatStaleMs: parseDurationMs(value.status.heartbeat_stale),
      degradedErrorsPerHour: value.status.degraded_errors_per_hour,
    }),
    eport: resolveEportConfig(value.eport, source.directory, env),
  });
  return { config, issues };
}

export function loadBackendConfig(file: string, env: NodeJS.ProcessEnv = process.env): LoadedBackendConfig {
  return resolveBackendConfig(loadYamlFile(file, { env }), env);
}

export function parseBackendConfig(text: string, file: string, env: NodeJS.ProcessEnv = {}): LoadedBackendConfig {
  return resolveBackendConfig(parseYamlText(text, file, env), env);
}

/** The defaults, as a resolved config (tests and the demo start from it). */
export function defaultBackendConfig(overrides: { path?: string; adminToken?: string } = {}): BackendConfig {
  const loaded = parseBackendConfig('{}\n', '<defaults>');
  const config = loaded.config!;
  return Object.freeze({
    ...config,
    storage: Object.freeze({ ...config.storage, path: overrides.path ?? config.storage.path }),
    adminToken: overrides.adminToken ?? config.adminToken,
  });
}

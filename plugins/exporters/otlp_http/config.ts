// Options of the `otlp_http` exporter (the PRD's WiFi tier), named as in the OpenTelemetry Collector's otlphttp.
import { DURATION_SCHEMA, parseDurationMs, type DurationValue } from '../../../collector/config/units.js';

export const DEFAULT_TIMEOUT_MS = 30_000;
export const LOGS_PATH = '/v1/logs';
/** gzip's fastest level: a Pi's CPU is scarcer than the WiFi tier's bytes (measurements in the README). */
export const DEFAULT_COMPRESSION_LEVEL = 1;

export const configSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['endpoint'],
  properties: {
    endpoint: { type: 'string', pattern: '^https?://', description: 'Base URL of the OTLP/HTTP receiver (`https://logs.example.com:4318`); `/v1/logs` is appended unless `logs_endpoint` is set.' },
    logs_endpoint: { type: 'string', pattern: '^https?://', description: 'Full URL to post logs to, used as given (overrides `endpoint`).' },
    headers: { type: 'object', additionalProperties: { type: 'string' }, default: {}, description: 'Extra request headers, e.g. `authorization: Bearer ${env:FLEETLOG_DEVICE_KEY}`.' },
    encoding: { enum: ['protobuf', 'json'], default: 'protobuf', description: 'protobuf (`application/x-protobuf`, smaller) or json (`application/json`, OTLP/JSON).' },
    compression: { enum: ['gzip', 'none'], default: 'gzip', description: 'Compress request bodies.' },
    compression_level: { type: 'integer', minimum: 1, maximum: 9, default: DEFAULT_COMPRESSION_LEVEL, description: 'gzip level, 1 (fastest) to 9 (smallest). 1 takes 2.4–3.6× less CPU than zlib\'s usual 6 for about a fifth more bytes (plugin README: "Compression level").' },
    timeout: { ...DURATION_SCHEMA, default: '30s', description: 'Longest wait for one request, from connect to the end of the answer; a timeout is retried.' },
    tls: {
      type: 'object',
      additionalProperties: false,
      default: {},
      description: 'TLS for an https endpoint.',
      properties: {
        ca_file: { type: 'string', description: 'PEM file of the CA(s) to trust instead of the system ones (a private backend).' },
        cert_file: { type: 'string', description: 'PEM client certificate for mutual TLS (with key_file).' },
        key_file: { type: 'string', description: 'PEM private key of cert_file.' },
        insecure_skip_verify: { type: 'boolean', default: false, description: 'Accept any server certificate. Only for tests: it allows anyone in the middle to read the logs.' },
      },
    },
  },
} as const;

export interface OtlpHttpConfig {
  endpoint: string;
  logs_endpoint?: string;
  headers?: Record<string, string>;
  encoding?: 'protobuf' | 'json';
  compression?: 'gzip' | 'none';
  compression_level?: number;
  timeout?: DurationValue;
  tls?: { ca_file?: string; cert_file?: string; key_file?: string; insecure_skip_verify?: boolean };
}

export interface OtlpHttpOptions {
  url: URL;
  headers: Record<string, string>;
  encoding: 'protobuf' | 'json';
  compression: 'gzip' | 'none';
  /** gzip level 1–9 (used when compression is gzip). */
  compressionLevel: number;
  timeoutMs: number;
  tls: { caFile?: string; certFile?: string; keyFile?: string; insecureSkipVerify: boolean };
}

/** The URL logs are posted to. */
export function logsUrl(config: Pick<OtlpHttpConfig, 'endpoint' | 'logs_endpoint'>): URL {
  if (config.logs_endpoint !== undefined) return new URL(config.logs_endpoint);
  const base = new URL(config.endpoint);
  base.pathname = `${base.pathname.replace(/\/+$/, '')}${LOGS_PATH}`;
  return base;
}

/** Cross-field rules: every problem, each naming its keys. */
export function validateConfig(config: Readonly<OtlpHttpConfig>): string[] {
  const problems: string[] = [];
  let url: URL | undefined;
  for (const key of ['endpoint', 'logs_endpoint'] as const) {
    const value = config[key];
    if (value === undefined) continue;
    try {
      new URL(value);
    } catch {
      problems.push(`${key}: '${value}' is not a valid URL`);
    }
  }
  if (problems.length === 0) url = logsUrl(config);
  const tls = config.tls ?? {};
  if ((tls.cert_file === undefined) !== (tls.key_file === undefined)) problems.push('tls: cert_file and key_file go together');
  const usesTls = tls.ca_file !== undefined || tls.cert_file !== undefined || tls.insecure_skip_verify === true;
  if (url !== undefined && usesTls && url.protocol !== 'https:') problems.push('tls: options are set but the endpoint is not https://');
  const names = Object.keys(config.headers ?? {}).map((h) => h.toLowerCase());
  for (const reserved of ['content-type', 'content-encoding', 'content-length']) {
    if (names.includes(reserved)) problems.push(`headers: '${reserved}' is set by the exporter`);
  }
  return problems;
}

export function toOptions(config: Readonly<OtlpHttpConfig>): OtlpHttpOptions {
  const tls = config.tls ?? {};
  return {
    url: logsUrl(config),
    headers: { ...(config.headers ?? {}) },
    encoding: config.encoding ?? 'protobuf',
    compression: config.compression ?? 'gzip',
    compressionLevel: config.compression_level ?? DEFAULT_COMPRESSION_LEVEL,
    timeoutMs: parseDurationMs(config.timeout ?? DEFAULT_TIMEOUT_MS),
    tls: { caFile: tls.ca_file, certFile: tls.cert_file, keyFile: tls.key_file, insecureSkipVerify: tls.insecure_skip_verify ?? false },
  };
}

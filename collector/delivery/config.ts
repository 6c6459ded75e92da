// The host-owned options of every exporter: `queue`, `retry` and `batch`. The config loader adds these three keys
// to every exporter's schema, so a site operator writes them beside the exporter's own options:
//
//   exporters:
//     otlp_http:
//       endpoint: https://logs.example.com
//       queue: { max_bytes: 64MiB, fsync: batch }
//       retry: { initial_interval: 1s, max_interval: 5m }
//       batch: { max_records: 1000, max_age: 1s, flush_severity: CRITICAL }
//
// An exporter's factory may declare its own defaults for these keys (`hostDefaults`), used where the YAML is silent.
import { LEVEL_NAMES, SEVERITY, type LevelName } from '../component/log-record.js';
import { BYTES_SCHEMA, DURATION_SCHEMA, parseBytes, parseDurationMs, type BytesValue, type DurationValue } from '../config/units.js';

export const HOST_EXPORTER_KEYS = ['queue', 'retry', 'batch'] as const;

export const DEFAULT_QUEUE_MAX_BYTES = 256 * 1024 * 1024;
export const DEFAULT_QUEUE_MIN_FREE_BYTES = 64 * 1024 * 1024;
export const DEFAULT_FSYNC_INTERVAL_MS = 1_000;
export const DEFAULT_SEGMENT_BYTES = 8 * 1024 * 1024;
export const DEFAULT_RETRY_INITIAL_MS = 1_000;
export const DEFAULT_RETRY_MAX_MS = 300_000;
export const DEFAULT_RETRY_MULTIPLIER = 2;
export const DEFAULT_RETRY_JITTER = 0.2;
export const DEFAULT_BATCH_MAX_RECORDS = 1_000;
export const DEFAULT_BATCH_MAX_BYTES = 1024 * 1024;
export const DEFAULT_BATCH_MAX_AGE_MS = 1_000;

export const queueSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'The exporter\'s durable queue on disk (owned by the host).',
  properties: {
    enabled: { type: 'boolean', default: true, description: 'Keep a durable disk queue. Off: records are held in memory only and lost on a crash.' },
    mode: { enum: ['durable', 'direct'], default: 'durable', description: 'durable: records go through the disk queue. direct: no queue — each batch is sent as the receivers hand it over and they move their checkpoints only when the exporter says ok (for local durable destinations like file; a failing destination back-pressures the receivers). Ignored when enabled is false.' },
    max_bytes: { ...BYTES_SCHEMA, default: DEFAULT_QUEUE_MAX_BYTES, description: 'Cap on the queue\'s size on disk.' },
    min_free_bytes: { ...BYTES_SCHEMA, default: DEFAULT_QUEUE_MIN_FREE_BYTES, description: 'Free space to leave on the filesystem; the queue counts as full below it.' },
    segment_bytes: { ...BYTES_SCHEMA, default: DEFAULT_SEGMENT_BYTES, description: 'Size at which a segment file is closed and a new one begun.' },
    fsync: { enum: ['always', 'batch', 'interval'], default: 'batch', description: 'always: fsync each append; batch: one fsync per group of concurrent appends (group commit); interval: fsync every fsync_interval (can lose that much on power loss).' },
    fsync_interval: { ...DURATION_SCHEMA, default: DEFAULT_FSYNC_INTERVAL_MS, description: 'With fsync: interval, the longest time between fsyncs.' },
    full_policy: { enum: ['block', 'drop_lowest_severity'], default: 'block', description: 'When full: block (back-pressure to the receivers) or evict the oldest DEBUG/INFO, then WARN records (never ERROR or CRITICAL).' },
  },
} as const;

export const retrySchema = {
  type: 'object',
  additionalProperties: false,
  description: 'Retry of failed sends (owned by the host). Never gives up unless max_elapsed is set.',
  properties: {
    initial_interval: { ...DURATION_SCHEMA, default: DEFAULT_RETRY_INITIAL_MS, description: 'Wait before the first retry.' },
    max_interval: { ...DURATION_SCHEMA, default: DEFAULT_RETRY_MAX_MS, description: 'Cap on the wait between retries.' },
    multiplier: { type: 'number', minimum: 1, default: DEFAULT_RETRY_MULTIPLIER, description: 'Growth of the wait after each failure.' },
    jitter: { type: 'number', minimum: 0, maximum: 1, default: DEFAULT_RETRY_JITTER, description: 'Random spread of each wait, as a fraction of it.' },
    max_elapsed: { ...DURATION_SCHEMA, default: 0, description: '0 (default): retry for ever. Otherwise give up on a batch after this long and dead-letter it (flagged by the durability lint).' },
  },
} as const;

export const batchSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'How the host groups queued records into sends (owned by the host).',
  properties: {
    max_records: { type: 'integer', minimum: 1, default: DEFAULT_BATCH_MAX_RECORDS, description: 'Most records in one send.' },
    max_bytes: { ...BYTES_SCHEMA, default: DEFAULT_BATCH_MAX_BYTES, description: 'Most encoded bytes in one send (approximate: queue bytes).' },
    max_age: { ...DURATION_SCHEMA, default: DEFAULT_BATCH_MAX_AGE_MS, description: 'Longest a record waits for a batch to fill before it is sent anyway.' },
    flush_severity: {
      anyOf: [{ enum: [...LEVEL_NAMES] }, { type: 'integer', minimum: 1, maximum: 24 }, { type: 'null' }],
      description: 'A level name or severity number (1–24): when a queued record at or above it waits, the batch being formed is closed at it and sent at once (with the records before it), without waiting for max_age. Unset or null (the host\'s default): none.',
    },
  },
} as const;

/** durable: through the disk queue; direct: consume() sends and resolves on the exporter's ok (direct-send.ts). */
export type QueueMode = 'durable' | 'direct';

/** The three host-owned keys as YAML gives them (after schema defaults). */
export interface DeliveryYaml {
  queue?: { enabled?: boolean; mode?: QueueMode; max_bytes?: BytesValue; min_free_bytes?: BytesValue; segment_bytes?: BytesValue; fsync?: 'always' | 'batch' | 'interval'; fsync_interval?: DurationValue; full_policy?: 'block' | 'drop_lowest_severity' };
  retry?: { initial_interval?: DurationValue; max_interval?: DurationValue; multiplier?: number; jitter?: number; max_elapsed?: DurationValue };
  batch?: { max_records?: number; max_bytes?: BytesValue; max_age?: DurationValue; flush_severity?: LevelName | number | null };
}

/** The same in numbers, as the delivery node uses them. */
export interface DeliveryConfig {
  queue: { enabled: boolean; mode: QueueMode; maxBytes: number; minFreeBytes: number; segmentBytes: number; fsync: 'always' | 'batch' | 'interval'; fsyncIntervalMs: number; fullPolicy: 'block' | 'drop_lowest_severity' };
  retry: { initialIntervalMs: number; maxIntervalMs: number; multiplier: number; jitter: number; maxElapsedMs: number };
  /** flushSeverity: a record with at least this severity number closes the batch at once; undefined = none. */
  batch: { maxRecords: number; maxBytes: number; maxAgeMs: number; flushSeverity: number | undefined };
}

/** The severity number of `batch.flush_severity` (a level name or a number), undefined when unset. */
export function flushSeverityNumber(value: LevelName | number | null | undefined): number | undefined {
  return typeof value === 'string' ? SEVERITY[value] : value ?? undefined;
}

/** Converts the YAML form (defaults filled in where missing) into numbers. */
export function toDeliveryConfig(yaml: DeliveryYaml): DeliveryConfig {
  const q = yaml.queue ?? {};
  const r = yaml.retry ?? {};
  const b = yaml.batch ?? {};
  return {
    queue: {
      enabled: q.enabled ?? true,
      mode: q.mode ?? 'durable',
      maxBytes: parseBytes(q.max_bytes ?? DEFAULT_QUEUE_MAX_BYTES),
      minFreeBytes: parseBytes(q.min_free_bytes ?? DEFAULT_QUEUE_MIN_FREE_BYTES),
      segmentBytes: parseBytes(q.segment_bytes ?? DEFAULT_SEGMENT_BYTES),
      fsync: q.fsync ?? 'batch',
      fsyncIntervalMs: parseDurationMs(q.fsync_interval ?? DEFAULT_FSYNC_INTERVAL_MS),
      fullPolicy: q.full_policy ?? 'block',
    },
    retry: {
      initialIntervalMs: parseDurationMs(r.initial_interval ?? DEFAULT_RETRY_INITIAL_MS),
      maxIntervalMs: parseDurationMs(r.max_interval ?? DEFAULT_RETRY_MAX_MS),
      multiplier: r.multiplier ?? DEFAULT_RETRY_MULTIPLIER,
      jitter: r.jitter ?? DEFAULT_RETRY_JITTER,
      maxElapsedMs: parseDurationMs(r.max_elapsed ?? 0),
    },
    batch: {
      maxRecords: b.max_records ?? DEFAULT_BATCH_MAX_RECORDS,
      maxBytes: parseBytes(b.max_bytes ?? DEFAULT_BATCH_MAX_BYTES),
      maxAgeMs: parseDurationMs(b.max_age ?? DEFAULT_BATCH_MAX_AGE_MS),
      flushSeverity: flushSeverityNumber(b.flush_severity),
    },
  };
}

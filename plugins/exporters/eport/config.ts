// Options of the `eport` exporter: the PRD's Tier 2 (ePort card reader's cellular link over a serial port).
import { BYTES_SCHEMA, DURATION_SCHEMA, parseBytes, parseDurationMs, type BytesValue, type DurationValue } from '../../../collector/config/units.js';
import { SEVERITY, type LevelName } from '../../../collector/component/index.js';

const LEVEL = { enum: ['DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL'] } as const;

export const configSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['path'],
  properties: {
    path: { type: 'string', minLength: 1, description: 'Serial device of the ePort link (`/dev/serial0`, `/dev/serial/by-id/…`).' },
    baud_rate: { type: 'integer', enum: [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400], default: 9600, description: 'Line speed; ACK timeouts are derived from it.' },
    data_bits: { enum: [7, 8], default: 8, description: 'Data bits per character (8 for the binary encoding).' },
    parity: { enum: ['none', 'even', 'odd'], default: 'none', description: 'Parity bit.' },
    stop_bits: { enum: [1, 2], default: 1, description: 'Stop bits.' },
    encoding: { enum: ['binary', 'z85', 'base64'], default: 'binary', description: 'Frames on the wire: binary (COBS, 0x00-delimited) or an ASCII-only channel (Z85: +25 %, base64: +33 %).' },
    format: { enum: ['packed', 'compact'], default: 'packed', description: 'packed: lossless, deflate with a preset dictionary (~100 records per payload); compact: the PRD\'s MACHINE|MMDD-HHMM|L|… lines (lossy, human-readable).' },
    max_payload_bytes: { type: 'integer', minimum: 160, maximum: 4096, default: 900, description: 'Largest payload the ePort carries.' },
    immediate_levels: { type: 'array', items: LEVEL, uniqueItems: true, default: ['CRITICAL'], description: 'Levels sent at once, whatever the daily budget says: the host\'s `batch.flush_severity` (CRITICAL by default here; must not be above the lowest of these levels) closes the window when one is queued.' },
    batch_levels: { type: 'array', items: LEVEL, uniqueItems: true, default: ['ERROR', 'WARN'], description: 'Levels sent in the windowed batches (the window is the host\'s `batch.max_age`, 1h by default here), within the daily budget.' },
    max_bytes_per_day: { ...BYTES_SCHEMA, default: 35000, description: 'Cellular payload bytes per UTC day. Batch levels get this minus reserved_bytes_per_day: over it they are aggregated, then cut (both counted in the frames). Immediate levels and the summary are always sent. 0 = no limit.' },
    pace_budget: { type: 'boolean', default: true, description: 'Spread the batch levels\' daily budget over the UTC day: a send may use what has accrued since midnight (plus one hour) minus what was used, so a busy morning is aggregated a little instead of the evening being cut. false: first come, first served.' },
    reserved_bytes_per_day: { ...BYTES_SCHEMA, default: 3000, description: 'Part of max_bytes_per_day kept for immediate records and the daily summary; batch levels use the rest.' },
    daily_summary: { type: 'boolean', default: true, description: 'Send one summary record per UTC day: counts by level and component, transactions completed and their total.' },
    transaction_component: { type: 'string', default: 'txn', description: 'Component of the "transaction completed" records the summary adds up.' },
    transaction_message: { type: 'string', default: 'Transaction completed', description: 'Message of those records.' },
    amount_key: { type: 'string', default: 'amount_cents', description: 'Context key holding a transaction\'s amount in cents.' },
    exclude_attributes: { type: 'array', uniqueItems: true, default: ['log.file.*', 'log.record.*', 'fleetlog.*'], items: { type: 'string', minLength: 1 }, description: 'Record attributes not carried (a trailing `*` matches a prefix): by default the host\'s own bookkeeping (file name and path, record ids), which the backend does not need from a 900-byte payload.' },
    machine_id: { type: 'string', minLength: 1, maxLength: 64, description: 'Machine id in the payloads when the batch resource has no `device.id`.' },
    processing_time: { ...DURATION_SCHEMA, default: '500ms', description: 'Time the ePort may take to answer a frame, added to the ACK timeout derived from the baud rate.' },
    max_attempts: { type: 'integer', minimum: 1, maximum: 100, default: 8, description: 'Transmissions of one frame before the send is reported as failed (the host retries the batch later).' },
  },
} as const;

export interface EportExporterConfig {
  path: string;
  baud_rate?: number;
  data_bits?: 7 | 8;
  parity?: 'none' | 'even' | 'odd';
  stop_bits?: 1 | 2;
  encoding?: 'binary' | 'z85' | 'base64';
  format?: 'packed' | 'compact';
  max_payload_bytes?: number;
  immediate_levels?: LevelName[];
  batch_levels?: LevelName[];
  max_bytes_per_day?: BytesValue;
  reserved_bytes_per_day?: BytesValue;
  pace_budget?: boolean;
  daily_summary?: boolean;
  transaction_component?: string;
  transaction_message?: string;
  amount_key?: string;
  exclude_attributes?: string[];
  machine_id?: string;
  processing_time?: DurationValue;
  max_attempts?: number;
}

export interface EportExporterOptions {
  path: string;
  baudRate: number;
  dataBits: 7 | 8;
  parity: 'none' | 'even' | 'odd';
  stopBits: 1 | 2;
  encoding: 'binary' | 'z85' | 'base64';
  format: 'packed' | 'compact';
  maxPayloadBytes: number;
  immediateLevels: ReadonlySet<LevelName>;
  batchLevels: ReadonlySet<LevelName>;
  maxBytesPerDay: number;
  reservedBytesPerDay: number;
  paceBudget: boolean;
  dailySummary: boolean;
  transactionComponent: string;
  transactionMessage: string;
  amountKey: string;
  /** True for an attribute key that is not carried. */
  excluded: (key: string) => boolean;
  machineId: string | undefined;
  processingMs: number;
  maxAttempts: number;
}

export function toOptions(config: Readonly<EportExporterConfig>): EportExporterOptions {
  return {
    path: config.path,
    baudRate: config.baud_rate ?? 9600,
    dataBits: config.data_bits ?? 8,
    parity: config.parity ?? 'none',
    stopBits: config.stop_bits ?? 1,
    encoding: config.encoding ?? 'binary',
    format: config.format ?? 'packed',
    maxPayloadBytes: config.max_payload_bytes ?? 900,
    immediateLevels: new Set(config.immediate_levels ?? ['CRITICAL']),
    batchLevels: new Set(config.batch_levels ?? ['ERROR', 'WARN']),
    maxBytesPerDay: parseBytes(config.max_bytes_per_day ?? 35000),
    reservedBytesPerDay: parseBytes(config.reserved_bytes_per_day ?? 3000),
    paceBudget: config.pace_budget ?? true,
    dailySummary: config.daily_summary ?? true,
    transactionComponent: config.transaction_component ?? 'txn',
    transactionMessage: config.transaction_message ?? 'Transaction completed',
    amountKey: config.amount_key ?? 'amount_cents',
    excluded: attributeFilter(config.exclude_attributes ?? ['log.file.*', 'log.record.*', 'fleetlog.*']),
    machineId: config.machine_id,
    processingMs: parseDurationMs(config.processing_time ?? '500ms'),
    maxAttempts: config.max_attempts ?? 8,
  };
}

function attributeFilter(patterns: readonly string[]): (key: string) => boolean {
  const exact = new Set(patterns.filter((p) => !p.endsWith('*')));
  const prefixes = patterns.filter((p) => p.endsWith('*')).map((p) => p.slice(0, -1));
  return (key) => exact.has(key) || prefixes.some((p) => key.startsWith(p));
}

/** Cross-field rules the schema cannot say. */
export function validate(config: Readonly<EportExporterConfig>): string[] {
  const problems: string[] = [];
  const both = (config.immediate_levels ?? ['CRITICAL']).filter((l) => (config.batch_levels ?? ['ERROR', 'WARN']).includes(l));
  if (both.length > 0) problems.push(`immediate_levels and batch_levels both list ${both.join(', ')}: a level is sent one way`);
  const budget = parseBytes(config.max_bytes_per_day ?? 35000);
  if (budget > 0 && parseBytes(config.reserved_bytes_per_day ?? 3000) >= budget) problems.push('reserved_bytes_per_day must be less than max_bytes_per_day (or set max_bytes_per_day: 0 for no limit)');
  if ((config.encoding ?? 'binary') === 'binary' && config.data_bits === 7) problems.push('encoding: binary needs data_bits: 8 (use z85 or base64 on a 7-bit line)');
  // The host's batch key (validated with this schema): an immediate level below the flush level would wait for the window.
  const flush = (config as { batch?: { flush_severity?: LevelName | number | null } }).batch?.flush_severity;
  const flushNumber = typeof flush === 'string' ? SEVERITY[flush] : flush;
  const lowest = (config.immediate_levels ?? ['CRITICAL']).reduce((min, l) => Math.min(min, SEVERITY[l]), Infinity);
  if (typeof flushNumber === 'number' && lowest < flushNumber) {
    problems.push(`batch.flush_severity: is ${String(flush)}, so immediate_levels records below it would wait for the window (batch.max_age); set it to the lowest immediate level`);
  }
  return problems;
}


// Options of the `file_log` receiver.
import {
  BYTES_SCHEMA, DURATION_SCHEMA, parseBytes, parseDurationMs, type BytesValue, type DurationValue,
} from '../../../collector/config/units.js';
import { PARSERS, type ParserName } from './parse-line.js';
import type { TimeZone } from './parsed-line.js';

export const DEFAULT_POLL_INTERVAL_MS = 200;
export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;
export const DEFAULT_FINGERPRINT_BYTES = 1024;
export const DEFAULT_MAX_BATCH_RECORDS = 1000;
export const DEFAULT_CHECKPOINT_INTERVAL_MS = 1000;
export const DEFAULT_MAX_OPEN_FILES = 1024;

export const ENCODINGS = ['utf8', 'utf-8', 'latin1'] as const;

const GLOBS = { type: 'array', items: { type: 'string', minLength: 1 } } as const;

export const configSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['include'],
  properties: {
    include: { ...GLOBS, minItems: 1, description: 'Globs of the files to tail (`*`, `?`, `**`, `[abc]`, `{a,b}`); relative ones from the working directory.' },
    exclude: { ...GLOBS, default: [], description: 'Globs of files not to tail, even if included.' },
    start_at: { enum: ['beginning', 'end'], default: 'end', description: 'Where to start in the files found at the very first start (no checkpoint yet): `end` skips their backlog. Files that appear later, or while the collector was stopped, are read from their beginning.' },
    parser: { enum: PARSERS, default: 'auto', description: 'json: one JSON object per line (PRD entry and common variants); python: `2026-01-22 14:30:15,123 - payment - ERROR - message`; none: the line is the body; auto: JSON or Python per line, else the raw line.' },
    time_zone: { enum: ['local', 'utc'], default: 'local', description: 'Zone of Python timestamps, which carry none (Python logging writes local time).' },
    poll_interval: { ...DURATION_SCHEMA, default: '200ms', description: 'How often files are checked for new lines, rotation and new files (file-system events wake it sooner).' },
    encoding: { enum: ENCODINGS, default: 'utf8', description: 'Character encoding of the files.' },
    join_continuation_lines: { type: 'boolean', default: true, description: 'python and auto: a line that is not a record of its own (a traceback line) is appended to the message of the Python record before it, up to max_line_bytes.' },
    max_line_bytes: { ...BYTES_SCHEMA, default: '1MiB', description: 'Longer lines keep their first bytes, the rest is skipped, and the record gets `log.record.truncated: true`.' },
    fingerprint_bytes: { type: 'integer', minimum: 16, maximum: 65536, default: DEFAULT_FINGERPRINT_BYTES, description: 'Leading bytes hashed to recognise a file after a rename or restart.' },
    max_batch_records: { type: 'integer', minimum: 1, maximum: 100000, default: DEFAULT_MAX_BATCH_RECORDS, description: 'Most records handed downstream in one batch.' },
    max_open_files: { type: 'integer', minimum: 1, maximum: 100000, default: DEFAULT_MAX_OPEN_FILES, description: 'Most files read at once; further matches wait until a file is closed (after it is rotated away or deleted).' },
    checkpoint_interval: { ...DURATION_SCHEMA, default: '1s', description: 'Least time between two checkpoint writes (each is fsynced). Offsets only ever cover acknowledged records, so a crash re-reads at most this much.' },
  },
} as const;

/** The YAML form (schema defaults filled in by the host). */
export interface FileLogConfig {
  include: string[];
  exclude?: string[];
  start_at?: 'beginning' | 'end';
  parser?: ParserName;
  time_zone?: TimeZone;
  join_continuation_lines?: boolean;
  poll_interval?: DurationValue;
  encoding?: (typeof ENCODINGS)[number];
  max_line_bytes?: BytesValue;
  fingerprint_bytes?: number;
  max_batch_records?: number;
  max_open_files?: number;
  checkpoint_interval?: DurationValue;
}

export interface FileLogOptions {
  include: string[];
  exclude: string[];
  startAt: 'beginning' | 'end';
  parser: ParserName;
  timeZone: TimeZone;
  joinContinuationLines: boolean;
  pollIntervalMs: number;
  encoding: BufferEncoding;
  maxLineBytes: number;
  fingerprintBytes: number;
  maxBatchRecords: number;
  maxOpenFiles: number;
  checkpointIntervalMs: number;
}

export function toOptions(config: Readonly<FileLogConfig>): FileLogOptions {
  return {
    include: [...config.include],
    exclude: [...(config.exclude ?? [])],
    startAt: config.start_at ?? 'end',
    parser: config.parser ?? 'auto',
    timeZone: config.time_zone ?? 'local',
    joinContinuationLines: config.join_continuation_lines ?? true,
    pollIntervalMs: Math.max(10, parseDurationMs(config.poll_interval ?? DEFAULT_POLL_INTERVAL_MS)),
    encoding: config.encoding === 'latin1' ? 'latin1' : 'utf8',
    maxLineBytes: Math.max(1, parseBytes(config.max_line_bytes ?? DEFAULT_MAX_LINE_BYTES)),
    fingerprintBytes: config.fingerprint_bytes ?? DEFAULT_FINGERPRINT_BYTES,
    maxBatchRecords: config.max_batch_records ?? DEFAULT_MAX_BATCH_RECORDS,
    maxOpenFiles: config.max_open_files ?? DEFAULT_MAX_OPEN_FILES,
    checkpointIntervalMs: parseDurationMs(config.checkpoint_interval ?? DEFAULT_CHECKPOINT_INTERVAL_MS),
  };
}

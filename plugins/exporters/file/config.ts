// Options of the `file` exporter: the PRD's local tier, JSON lines with size rotation.
import { BYTES_SCHEMA, parseBytes, type BytesValue } from '../../../collector/config/units.js';

export const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;
export const DEFAULT_BACKUP_COUNT = 5;

export const configSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['path'],
  properties: {
    path: { type: 'string', minLength: 1, description: 'The file to append JSON lines to; its folder is created if missing. Relative paths are relative to the working directory.' },
    max_bytes: { ...BYTES_SCHEMA, default: '10MiB', description: 'Size at which the file is rotated to `<path>.1` (the older ones shift up). 0 turns rotation off.' },
    backup_count: { type: 'integer', minimum: 0, maximum: 1000, default: DEFAULT_BACKUP_COUNT, description: 'How many rotated files (`<path>.1` … `<path>.N`) are kept; the oldest is deleted. 0 truncates the file instead.' },
  },
} as const;

/** The YAML form (schema defaults filled in by the host). */
export interface FileExporterConfig {
  path: string;
  max_bytes?: BytesValue;
  backup_count?: number;
}

/** The same in numbers. */
export interface FileExporterOptions {
  path: string;
  maxBytes: number;
  backupCount: number;
}

export function toOptions(config: Readonly<FileExporterConfig>): FileExporterOptions {
  return {
    path: config.path,
    maxBytes: parseBytes(config.max_bytes ?? DEFAULT_MAX_BYTES),
    backupCount: config.backup_count ?? DEFAULT_BACKUP_COUNT,
  };
}

// Query parameters of GET /api/logs and /api/logs/export: validated with ajv (unknown parameters and wrong
// values → 400), turned into a LogFilter. Times: ISO-8601 or Unix milliseconds. Level: a name (minimum level) or
// a severity number 1–24.
import type { ValidateFunction } from 'ajv';
import { createAjv } from '../../collector/config/ajv.js';
import { SEVERITY, levelFromText, msToUnixNano } from '../../collector/component/log-record.js';
import { ApiError } from '../errors.js';
import { searchWords, type LogFilter } from '../store/log-filter.js';

export const MAX_PAGE_LIMIT = 1000;
export const DEFAULT_PAGE_LIMIT = 100;

const TEXT = { type: 'string', minLength: 1, maxLength: 256 };
export const LOG_QUERY_SCHEMA = {
  $id: 'fleetlog:log-query',
  type: 'object',
  additionalProperties: false,
  properties: {
    machine_id: TEXT,
    site: TEXT,
    level: { type: 'string', pattern: '^([A-Za-z]{1,12}|[0-9]{1,2})$' },
    component: TEXT,
    from: { type: 'string', minLength: 1, maxLength: 40 },
    to: { type: 'string', minLength: 1, maxLength: 40 },
    q: { type: 'string', maxLength: 512 },
    limit: { type: 'string', pattern: '^[0-9]{1,7}$' },
    cursor: { type: 'string', maxLength: 1024 },
    format: { enum: ['ndjson', 'csv'] },
  },
} as const;

export interface LogQuery {
  readonly filter: LogFilter;
  readonly limit: number;
  readonly cursor: string | undefined;
  readonly format: 'ndjson' | 'csv';
}

let validator: ValidateFunction | undefined;

function parseTime(name: string, text: string): string {
  const ms = /^\d{1,15}$/.test(text) ? Number(text) : Date.parse(text);
  if (Number.isNaN(ms)) throw new ApiError('FLEETLOG_ERR_BAD_REQUEST', `${name}: '${text}' is not an ISO-8601 time or Unix milliseconds`);
  return msToUnixNano(ms);
}

export function parseLogQuery(query: unknown, options: { maxLimit?: number } = {}): LogQuery {
  validator ??= createAjv().compile(LOG_QUERY_SCHEMA as unknown as Record<string, unknown>);
  const q = { ...(query as Record<string, unknown>) };
  if (!validator(q)) {
    const e = validator.errors?.[0];
    const name = e?.keyword === 'additionalProperties'
      ? `unknown parameter '${String((e.params as { additionalProperty?: string }).additionalProperty)}'`
      : `${(e?.instancePath ?? '').replace(/^\//, '') || 'query'} ${e?.message ?? 'is invalid'}`;
    throw new ApiError('FLEETLOG_ERR_BAD_REQUEST', `bad query: ${name}`);
  }
  const p = q as Record<string, string | undefined>;
  let minSeverity: number | undefined;
  if (p.level !== undefined) {
    if (/^\d+$/.test(p.level)) minSeverity = Number(p.level);
    else {
      const level = levelFromText(p.level);
      if (level === undefined) throw new ApiError('FLEETLOG_ERR_BAD_REQUEST', `level: '${p.level}' is not DEBUG, INFO, WARN, ERROR or CRITICAL`);
      minSeverity = SEVERITY[level];
    }
    if (minSeverity < 1 || minSeverity > 24) throw new ApiError('FLEETLOG_ERR_BAD_REQUEST', 'level: a severity number is 1–24');
  }
  const maxLimit = options.maxLimit ?? MAX_PAGE_LIMIT;
  const limit = p.limit === undefined ? Math.min(DEFAULT_PAGE_LIMIT, maxLimit) : Number(p.limit);
  if (limit < 1 || limit > maxLimit) throw new ApiError('FLEETLOG_ERR_BAD_REQUEST', `limit must be 1–${maxLimit}`);
  const words = p.q === undefined ? [] : searchWords(p.q);
  const filter: LogFilter = {
    ...(p.machine_id !== undefined ? { machineId: p.machine_id } : {}),
    ...(p.site !== undefined ? { site: p.site } : {}),
    ...(minSeverity !== undefined ? { minSeverity } : {}),
    ...(p.component !== undefined ? { component: p.component } : {}),
    ...(p.from !== undefined ? { fromNs: parseTime('from', p.from) } : {}),
    ...(p.to !== undefined ? { toNs: parseTime('to', p.to) } : {}),
    ...(words.length > 0 ? { words } : {}),
  };
  return { filter, limit, cursor: p.cursor, format: p.format === 'csv' ? 'csv' : 'ndjson' };
}

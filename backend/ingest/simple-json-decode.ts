// The PRD's simple JSON (POST /api/logs): {"machine_id":"VM001","logs":[{"timestamp","level","component",
// "message","context"}]} → one LogBatch. Validated with ajv: unknown fields and wrong types are refused (400).
import type { ValidateFunction } from 'ajv';
import { createAjv } from '../../collector/config/ajv.js';
import { SEVERITY, levelFromText, msToUnixNano, type AttributeValue, type LogBatch, type LogRecord } from '../../collector/component/log-record.js';
import { ApiError } from '../errors.js';

export const SIMPLE_LOGS_SCHEMA = {
  $id: 'fleetlog:simple-logs',
  type: 'object',
  additionalProperties: false,
  required: ['machine_id', 'logs'],
  properties: {
    machine_id: { type: 'string', minLength: 1, maxLength: 128 },
    site: { type: 'string', maxLength: 128 },
    logs: {
      type: 'array',
      maxItems: 10000,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['message'],
        properties: {
          timestamp: { anyOf: [{ type: 'string', minLength: 1, maxLength: 64 }, { type: 'number', minimum: 0 }] },
          level: { type: 'string', maxLength: 16 },
          component: { type: 'string', maxLength: 128 },
          message: { type: 'string' },
          context: { type: 'object' },
          id: { type: 'string', maxLength: 256 },
        },
      },
    },
  },
} as const;

interface SimpleLog { timestamp?: string | number; level?: string; component?: string; message: string; context?: Record<string, AttributeValue>; id?: string }
export interface SimpleRequest { machine_id: string; site?: string; logs: SimpleLog[] }

let validator: ValidateFunction | undefined;

export function decodeSimpleLogs(text: string, nowMs: number): { machineId: string; batch: LogBatch } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ApiError('FLEETLOG_ERR_BAD_REQUEST', `the body is not JSON: ${(error as Error).message}`);
  }
  validator ??= createAjv().compile(SIMPLE_LOGS_SCHEMA as unknown as Record<string, unknown>);
  if (!validator(parsed)) {
    const e = validator.errors?.[0];
    const extra = e?.keyword === 'additionalProperties' ? ` '${String((e.params as { additionalProperty?: string }).additionalProperty)}'` : '';
    throw new ApiError('FLEETLOG_ERR_BAD_REQUEST', `invalid body: ${e?.instancePath || '(body)'} ${e?.message ?? 'is invalid'}${extra}`);
  }
  const request = parsed as SimpleRequest;
  const records = request.logs.map((log, i): LogRecord => {
    let timeMs = nowMs;
    if (typeof log.timestamp === 'number') timeMs = log.timestamp;
    else if (typeof log.timestamp === 'string') {
      timeMs = Date.parse(log.timestamp);
      if (Number.isNaN(timeMs)) throw new ApiError('FLEETLOG_ERR_BAD_REQUEST', `invalid body: /logs/${i}/timestamp is not an ISO-8601 time`);
    }
    const level = log.level === undefined ? 'INFO' : levelFromText(log.level);
    if (level === undefined) throw new ApiError('FLEETLOG_ERR_BAD_REQUEST', `invalid body: /logs/${i}/level '${log.level}' is not a level (DEBUG, INFO, WARN, ERROR, CRITICAL)`);
    const record: LogRecord = {
      timeUnixNano: msToUnixNano(timeMs),
      observedTimeUnixNano: msToUnixNano(nowMs),
      severityNumber: SEVERITY[level],
      severityText: level,
      body: log.message,
      attributes: { ...(log.context ?? {}), ...(log.component !== undefined ? { component: log.component } : {}) },
    };
    if (log.id !== undefined) record.recordId = log.id;
    return record;
  });
  const resource = { 'device.id': request.machine_id, ...(request.site !== undefined ? { site: request.site } : {}) };
  return { machineId: request.machine_id, batch: { resource, records } };
}

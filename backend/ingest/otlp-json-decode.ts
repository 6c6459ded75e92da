// OTLP/HTTP JSON (lowerCamelCase field names, ids as hex, 64-bit integers as strings or numbers) → LogBatch[].
// Types are checked with ajv (wrong types → 400 with the path); unknown fields are ignored, as the OTLP spec asks
// of receivers ("OTLP/JSON receivers MUST ignore message fields with unknown names").
import type { ValidateFunction } from 'ajv';
import { createAjv } from '../../collector/config/ajv.js';
import type { AttributeValue, Attributes, LogBatch, LogRecord } from '../../collector/component/log-record.js';
import { ApiError } from '../errors.js';

const UINT64 = { anyOf: [{ type: 'string', pattern: '^[0-9]{1,20}$' }, { type: 'integer', minimum: 0 }] };
const INT64 = { anyOf: [{ type: 'string', pattern: '^-?[0-9]{1,20}$' }, { type: 'integer' }] };
const HEX_ID = { type: 'string', pattern: '^([0-9a-fA-F]{2})*$', maxLength: 64 };
const KEY_VALUES = { type: 'array', items: { $ref: '#/$defs/keyValue' } };

export const OTLP_LOGS_JSON_SCHEMA = {
  $id: 'fleetlog:otlp-logs-json',
  type: 'object',
  properties: {
    resourceLogs: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          resource: { type: 'object', properties: { attributes: KEY_VALUES } },
          scopeLogs: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                scope: { type: 'object', properties: { name: { type: 'string' }, version: { type: 'string' }, attributes: KEY_VALUES } },
                logRecords: {
                  type: 'array',
                  items: {
                    type: 'object',
                    properties: {
                      timeUnixNano: UINT64,
                      observedTimeUnixNano: UINT64,
                      severityNumber: { type: 'integer', minimum: 0, maximum: 24 },
                      severityText: { type: 'string' },
                      body: { $ref: '#/$defs/anyValue' },
                      attributes: KEY_VALUES,
                      flags: { type: 'integer', minimum: 0 },
                      traceId: HEX_ID,
                      spanId: HEX_ID,
                      eventName: { type: 'string' },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
  $defs: {
    keyValue: { type: 'object', required: ['key'], properties: { key: { type: 'string' }, value: { $ref: '#/$defs/anyValue' } } },
    anyValue: {
      type: 'object',
      properties: {
        stringValue: { type: 'string' },
        boolValue: { type: 'boolean' },
        intValue: INT64,
        doubleValue: { anyOf: [{ type: 'number' }, { enum: ['NaN', 'Infinity', '-Infinity'] }] },
        arrayValue: { type: 'object', properties: { values: { type: 'array', items: { $ref: '#/$defs/anyValue' } } } },
        kvlistValue: { type: 'object', properties: { values: KEY_VALUES } },
        bytesValue: { type: 'string' },
      },
    },
  },
} as const;

let validator: ValidateFunction | undefined;

function validate(value: unknown): void {
  validator ??= createAjv().compile(OTLP_LOGS_JSON_SCHEMA as unknown as Record<string, unknown>);
  if (!validator(value)) {
    const first = validator.errors?.[0];
    const where = first?.instancePath || '(body)';
    throw new ApiError('FLEETLOG_ERR_BAD_REQUEST', `invalid OTLP/JSON: ${where} ${first?.message ?? 'is invalid'}`);
  }
}

interface JsonAnyValue {
  stringValue?: string; boolValue?: boolean; intValue?: string | number; doubleValue?: number | string;
  arrayValue?: { values?: JsonAnyValue[] }; kvlistValue?: { values?: JsonKeyValue[] }; bytesValue?: string;
}
interface JsonKeyValue { key: string; value?: JsonAnyValue }
interface JsonLogRecord {
  timeUnixNano?: string | number; observedTimeUnixNano?: string | number; severityNumber?: number; severityText?: string;
  body?: JsonAnyValue; attributes?: JsonKeyValue[]; flags?: number; traceId?: string; spanId?: string; eventName?: string;
}
interface JsonRequest {
  resourceLogs?: { resource?: { attributes?: JsonKeyValue[] }; scopeLogs?: { scope?: { name?: string; version?: string }; logRecords?: JsonLogRecord[] }[] }[];
}

function anyValue(v: JsonAnyValue | undefined, depth: number): AttributeValue {
  if (v === undefined || depth > 16) return null;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) {
    const n = Number(v.intValue);
    return Number.isSafeInteger(n) ? n : String(v.intValue);
  }
  if (v.doubleValue !== undefined) return Number(v.doubleValue);
  if (v.arrayValue !== undefined) return (v.arrayValue.values ?? []).map((x) => anyValue(x, depth + 1));
  if (v.kvlistValue !== undefined) return keyValues(v.kvlistValue.values, depth + 1);
  if (v.bytesValue !== undefined) return v.bytesValue;
  return null;
}

function keyValues(list: JsonKeyValue[] | undefined, depth: number): Attributes {
  const out: Attributes = {};
  for (const kv of list ?? []) out[kv.key] = anyValue(kv.value, depth);
  return out;
}

export function decodeOtlpLogsJson(text: string): LogBatch[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ApiError('FLEETLOG_ERR_BAD_REQUEST', `the body is not JSON: ${(error as Error).message}`);
  }
  validate(parsed);
  const request = parsed as JsonRequest;
  const batches: LogBatch[] = [];
  for (const rl of request.resourceLogs ?? []) {
    const resource = keyValues(rl.resource?.attributes, 0);
    for (const sl of rl.scopeLogs ?? []) {
      const scope: Attributes = {};
      if (sl.scope?.name) scope['otel.scope.name'] = sl.scope.name;
      if (sl.scope?.version) scope['otel.scope.version'] = sl.scope.version;
      const records: LogRecord[] = (sl.logRecords ?? []).map((r) => {
        const record: LogRecord = {
          timeUnixNano: String(r.timeUnixNano ?? '0'),
          observedTimeUnixNano: String(r.observedTimeUnixNano ?? '0'),
          severityNumber: r.severityNumber ?? 0,
          severityText: r.severityText ?? '',
          body: anyValue(r.body, 0) ?? '',
          attributes: { ...scope, ...keyValues(r.attributes, 0) },
        };
        if (r.traceId) record.traceId = r.traceId.toLowerCase();
        if (r.spanId) record.spanId = r.spanId.toLowerCase();
        if (r.flags !== undefined) record.flags = r.flags;
        if (r.eventName) record.eventName = r.eventName;
        return record;
      });
      batches.push({ resource, records });
    }
  }
  return batches;
}

// One LogRecord of the shared model (collector/component/log-record.ts) → one row of `logs`.
// Wire conventions for fields OTLP has no slot for (docs/api.md, "Record identity"):
//   record id ← LogRecord.recordId, else attribute `log.record.uid` (OTel semconv) or `fleetlog.record.id`;
//   boot id   ← LogRecord.bootId, else attribute/resource `fleetlog.boot.id`;
//   seq       ← attribute `fleetlog.seq` (integer);
//   event     ← LogRecord.eventName, else attribute `event.name` (heartbeats: `fleetlog.heartbeat`);
//   component ← attribute `component`, else resource `service.name`.
// Times more than `maxFutureSkewMs` ahead of the receive time are clamped to it and flagged (clock_flags bit 0,
// original time kept in attribute `fleetlog.original_time_unix_nano`); a record without a time gets its observed
// time, else the receive time (bit 1).
import { ATTRIBUTE_COMPONENT, type AttributeValue, type Attributes, type LogRecord, bodyText, msToUnixNano } from '../../collector/component/log-record.js';
import { CLOCK_FLAG_CLAMPED_FUTURE, CLOCK_FLAG_NO_TIMESTAMP, nanosToSecondsText, type LogRowInsert } from '../store/log-row.js';

export const ATTR_RECORD_UID = 'log.record.uid';
export const ATTR_RECORD_ID = 'fleetlog.record.id';
export const ATTR_BOOT_ID = 'fleetlog.boot.id';
export const ATTR_SEQ = 'fleetlog.seq';
export const ATTR_EVENT_NAME = 'event.name';
export const ATTR_ORIGINAL_TIME = 'fleetlog.original_time_unix_nano';
export const HEARTBEAT_EVENT = 'fleetlog.heartbeat';
const IDENTITY_KEYS = new Set([ATTR_RECORD_UID, ATTR_RECORD_ID, ATTR_BOOT_ID, ATTR_SEQ]);

export interface RowContext {
  readonly machineId: string;
  readonly site: string;
  readonly source: string;
  readonly resource: Record<string, string>;
  readonly receivedAtMs: number;
  readonly maxFutureSkewMs: number;
}

type WellFormed = { isWellFormed(): boolean; toWellFormed(): string };

/**
 * The text with lone UTF-16 surrogates replaced by U+FFFD. JSON.stringify writes them as `\udXXX` escapes that
 * ClickHouse refuses, and one such record would fail the whole insert it shares with other devices' records.
 */
export function wellFormed(text: string): string {
  return (text as unknown as WellFormed).isWellFormed() ? text : (text as unknown as WellFormed).toWellFormed();
}

function flatValue(value: AttributeValue): string {
  if (value === null) return '';
  if (typeof value === 'string') return wellFormed(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return wellFormed(JSON.stringify(value));
}

/** Attributes as a string map (structured values as JSON). */
export function flattenAttributes(attributes: Attributes, skip?: ReadonlySet<string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key in attributes) {
    if (skip?.has(key)) continue;
    out[wellFormed(key)] = flatValue(attributes[key]!);
  }
  return out;
}

function isZero(nanos: string): boolean {
  return nanos === '' || /^0*$/.test(nanos);
}

export function toLogRow(record: LogRecord, ctx: RowContext): LogRowInsert {
  const attrs = record.attributes;
  let flags = 0;
  let timeNs = record.timeUnixNano;
  const attributes = flattenAttributes(attrs, IDENTITY_KEYS);
  if (isZero(timeNs)) {
    timeNs = isZero(record.observedTimeUnixNano) ? msToUnixNano(ctx.receivedAtMs) : record.observedTimeUnixNano;
    flags |= CLOCK_FLAG_NO_TIMESTAMP;
  }
  const limitNs = BigInt(Math.floor(ctx.receivedAtMs + ctx.maxFutureSkewMs)) * 1_000_000n;
  if (timeNs.length >= 19 && BigInt(timeNs) > limitNs) {
    attributes[ATTR_ORIGINAL_TIME] = timeNs;
    timeNs = msToUnixNano(ctx.receivedAtMs);
    flags |= CLOCK_FLAG_CLAMPED_FUTURE;
  }
  const component = attrs[ATTRIBUTE_COMPONENT];
  const seq = attrs[ATTR_SEQ];
  return {
    ts: nanosToSecondsText(timeNs),
    received_at: ctx.receivedAtMs,
    machine_id: wellFormed(ctx.machineId),
    site: wellFormed(ctx.site),
    component: typeof component === 'string' ? wellFormed(component) : (ctx.resource['service.name'] ?? ''),
    source: ctx.source,
    severity_number: Math.max(0, Math.min(24, Math.trunc(record.severityNumber) || 0)),
    severity_text: wellFormed(record.severityText),
    event_name: wellFormed(record.eventName ?? stringOr(attrs[ATTR_EVENT_NAME], '')),
    body: wellFormed(bodyText(record)),
    attributes,
    resource: ctx.resource,
    record_id: wellFormed(record.recordId ?? stringOr(attrs[ATTR_RECORD_UID], stringOr(attrs[ATTR_RECORD_ID], ''))),
    boot_id: wellFormed(record.bootId ?? stringOr(attrs[ATTR_BOOT_ID], ctx.resource[ATTR_BOOT_ID] ?? '')),
    seq: typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 0 ? seq : (typeof seq === 'string' && /^\d{1,15}$/.test(seq) ? Number(seq) : 0),
    trace_id: wellFormed(record.traceId ?? ''),
    span_id: wellFormed(record.spanId ?? ''),
    clock_flags: flags,
  };
}

function stringOr(value: AttributeValue | undefined, fallback: string): string {
  return typeof value === 'string' ? value : (typeof value === 'number' ? String(value) : fallback);
}

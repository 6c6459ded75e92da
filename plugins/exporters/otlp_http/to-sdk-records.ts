// Our LogBatch as the OpenTelemetry JS SDK's ReadableLogRecord[], the input of @opentelemetry/otlp-transformer's
// serializers (which then do all of the OTLP encoding). Only the fields the serializers read are filled: the
// Resource is a plain `{ attributes }` (no merge() etc.), shared by the batch because they group by identity.
// OTLP has no slot for fleetlog's record id and boot id: they travel as attributes `log.record.uid` (OTel
// semantic conventions) and `fleetlog.boot.id`, which the backend reads back (backend/ingest/to-log-row.ts).
import type { HrTime } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { Attributes, LogBatch, LogRecord } from '../../../collector/component/index.js';

export const ATTR_RECORD_UID = 'log.record.uid';
export const ATTR_BOOT_ID = 'fleetlog.boot.id';
const SCOPE = Object.freeze({ name: 'fleetlog' });
const NANOS_PER_SECOND = 1_000_000_000n;

export function unixNanoToHrTime(unixNano: string): HrTime {
  if (unixNano === '0' || unixNano === '') return [0, 0];
  let nanos: bigint;
  try {
    nanos = BigInt(unixNano);
  } catch {
    return [0, 0];
  }
  return [Number(nanos / NANOS_PER_SECOND), Number(nanos % NANOS_PER_SECOND)];
}

function attributesOf(record: LogRecord): Attributes {
  if (record.recordId === undefined && record.bootId === undefined) return record.attributes;
  const attributes: Attributes = { ...record.attributes };
  if (record.recordId !== undefined) attributes[ATTR_RECORD_UID] = record.recordId;
  if (record.bootId !== undefined) attributes[ATTR_BOOT_ID] = record.bootId;
  return attributes;
}

export function toSdkRecords(batch: LogBatch): ReadableLogRecord[] {
  const resource = { attributes: batch.resource } as unknown as Resource;
  return batch.records.map((record): ReadableLogRecord => ({
    hrTime: unixNanoToHrTime(record.timeUnixNano),
    hrTimeObserved: unixNanoToHrTime(record.observedTimeUnixNano),
    ...(record.traceId !== undefined && record.spanId !== undefined
      ? { spanContext: { traceId: record.traceId, spanId: record.spanId, traceFlags: record.flags ?? 0 } }
      : {}),
    severityNumber: record.severityNumber,
    severityText: record.severityText,
    body: record.body as ReadableLogRecord['body'],
    ...(record.eventName !== undefined ? { eventName: record.eventName } : {}),
    resource,
    instrumentationScope: SCOPE,
    attributes: attributesOf(record) as ReadableLogRecord['attributes'],
    droppedAttributesCount: 0,
  }));
}

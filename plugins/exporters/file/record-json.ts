// One record as one JSON line: the PRD's field names first (timestamp, machine_id, level, component, message,
// context), then the OpenTelemetry fields, so that a technician can read it and a tool can re-import it exactly.
import {
  ATTRIBUTE_COMPONENT, RESOURCE_DEVICE_ID, levelOfSeverity, unixNanoToMs,
  type Attributes, type LogRecord,
} from '../../../collector/component/index.js';

/** ISO-8601 of a Unix-nano decimal string, or null for '0' / unparseable. */
export function isoOfUnixNano(unixNano: string): string | null {
  if (unixNano === '0' || unixNano === '') return null;
  const ms = unixNanoToMs(unixNano);
  if (!Number.isFinite(ms)) return null;
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** The record's attributes without `component` (the PRD's `context`). */
export function contextOf(attributes: Attributes): Attributes {
  if (!(ATTRIBUTE_COMPONENT in attributes)) return attributes;
  const { [ATTRIBUTE_COMPONENT]: _component, ...rest } = attributes;
  return rest;
}

export function recordToJsonLine(record: LogRecord, resource: Attributes): string {
  const component = record.attributes[ATTRIBUTE_COMPONENT];
  const machine = resource[RESOURCE_DEVICE_ID];
  const line: Record<string, unknown> = {
    timestamp: isoOfUnixNano(record.timeUnixNano) ?? isoOfUnixNano(record.observedTimeUnixNano),
    machine_id: typeof machine === 'string' ? machine : null,
    level: levelOfSeverity(record.severityNumber) ?? null,
    component: typeof component === 'string' ? component : null,
    message: record.body,
    context: contextOf(record.attributes),
    time_unix_nano: record.timeUnixNano,
    observed_time_unix_nano: record.observedTimeUnixNano,
    severity_number: record.severityNumber,
    severity_text: record.severityText,
    resource,
  };
  if (record.recordId !== undefined) line.record_id = record.recordId;
  if (record.bootId !== undefined) line.boot_id = record.bootId;
  if (record.traceId !== undefined) line.trace_id = record.traceId;
  if (record.spanId !== undefined) line.span_id = record.spanId;
  if (record.flags !== undefined) line.flags = record.flags;
  if (record.eventName !== undefined) line.event_name = record.eventName;
  return `${JSON.stringify(line)}\n`;
}

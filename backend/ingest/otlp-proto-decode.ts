// OTLP/HTTP protobuf: ExportLogsServiceRequest bytes → LogBatch[] of the shared record model.
// Field numbers from opentelemetry-proto (collector/logs/v1/logs_service.proto, logs/v1/logs.proto,
// common/v1/common.proto). Unknown fields are skipped, as protobuf requires. Scope name/version become the
// attributes `otel.scope.name` / `otel.scope.version` when present.
import type { AttributeValue, Attributes, LogBatch, LogRecord } from '../../collector/component/log-record.js';
import { ProtobufError, ProtobufReader } from './protobuf-reader.js';

const MAX_DEPTH = 16;

export function decodeOtlpLogsProto(bytes: Uint8Array): LogBatch[] {
  const r = new ProtobufReader(bytes);
  const batches: LogBatch[] = [];
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === 2) readResourceLogs(r, messageEnd(r), batches);
    else r.skip(wire);
  }
  return batches;
}

// One reader walks the whole buffer; each nested message is read up to its end offset (no reader per message).

/** Reads a length prefix and returns where the message ends. */
function messageEnd(r: ProtobufReader): number {
  const length = r.varint();
  const end = r.pos + length;
  if (end > r.end) throw new ProtobufError('truncated message');
  return end;
}

function finish(r: ProtobufReader, end: number): void {
  if (r.pos !== end) throw new ProtobufError('a field runs past the end of its message');
}

function readResourceLogs(r: ProtobufReader, end: number, out: LogBatch[]): void {
  let resource: Attributes = {};
  const groups: LogRecord[][] = [];
  while (r.pos < end) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === 2) resource = readResource(r, messageEnd(r));
    else if (field === 2 && wire === 2) groups.push(readScopeLogs(r, messageEnd(r)));
    else r.skip(wire);
  }
  finish(r, end);
  for (const records of groups) out.push({ resource, records });
}

function readResource(r: ProtobufReader, end: number): Attributes {
  const attributes: Attributes = {};
  while (r.pos < end) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === 2) readKeyValue(r, messageEnd(r), attributes, 0);
    else r.skip(wire);
  }
  finish(r, end);
  return attributes;
}

function readScopeLogs(r: ProtobufReader, end: number): LogRecord[] {
  let scopeName = '';
  let scopeVersion = '';
  const records: LogRecord[] = [];
  while (r.pos < end) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === 2) {
      const scopeEnd = messageEnd(r);
      while (r.pos < scopeEnd) {
        const t = r.tag();
        if (t.field === 1 && t.wire === 2) scopeName = r.string();
        else if (t.field === 2 && t.wire === 2) scopeVersion = r.string();
        else r.skip(t.wire);
      }
      finish(r, scopeEnd);
    } else if (field === 2 && wire === 2) records.push(readLogRecord(r, messageEnd(r)));
    else r.skip(wire);
  }
  finish(r, end);
  // The scope is usually written before the records, but protobuf allows any order: stamp it afterwards.
  if (scopeName !== '' || scopeVersion !== '') {
    for (const record of records) {
      if (scopeName !== '' && !('otel.scope.name' in record.attributes)) record.attributes['otel.scope.name'] = scopeName;
      if (scopeVersion !== '' && !('otel.scope.version' in record.attributes)) record.attributes['otel.scope.version'] = scopeVersion;
    }
  }
  return records;
}

function expectWire(actual: number, expected: number, name: string): void {
  if (actual !== expected) throw new ProtobufError(`${name} has wire type ${actual}, expected ${expected}`);
}

function readLogRecord(r: ProtobufReader, end: number): LogRecord {
  const record: LogRecord = {
    timeUnixNano: '0', observedTimeUnixNano: '0', severityNumber: 0, severityText: '', body: '', attributes: {},
  };
  while (r.pos < end) {
    const { field, wire } = r.tag();
    switch (field) {
      case 1: expectWire(wire, 1, 'time_unix_nano'); record.timeUnixNano = r.fixed64String(); break;
      case 11: expectWire(wire, 1, 'observed_time_unix_nano'); record.observedTimeUnixNano = r.fixed64String(); break;
      case 2: expectWire(wire, 0, 'severity_number'); record.severityNumber = r.varint(); break;
      case 3: expectWire(wire, 2, 'severity_text'); record.severityText = r.string(); break;
      case 5: expectWire(wire, 2, 'body'); record.body = readAnyValue(r, messageEnd(r), 0); break;
      case 6: expectWire(wire, 2, 'attributes'); readKeyValue(r, messageEnd(r), record.attributes, 0); break;
      case 8: expectWire(wire, 5, 'flags'); record.flags = r.fixed32(); break;
      case 9: { expectWire(wire, 2, 'trace_id'); const id = r.bytesHex(); if (id) record.traceId = id; break; }
      case 10: { expectWire(wire, 2, 'span_id'); const id = r.bytesHex(); if (id) record.spanId = id; break; }
      case 12: { expectWire(wire, 2, 'event_name'); const name = r.string(); if (name) record.eventName = name; break; }
      default: r.skip(wire);
    }
  }
  finish(r, end);
  return record;
}

function readKeyValue(r: ProtobufReader, end: number, into: Record<string, AttributeValue>, depth: number): void {
  let key = '';
  let value: AttributeValue = null;
  while (r.pos < end) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === 2) key = r.string();
    else if (field === 2 && wire === 2) value = readAnyValue(r, messageEnd(r), depth + 1);
    else r.skip(wire);
  }
  finish(r, end);
  into[key] = value;
}

function readAnyValue(r: ProtobufReader, end: number, depth: number): AttributeValue {
  if (depth > MAX_DEPTH) throw new ProtobufError('values nested too deeply');
  let value: AttributeValue = null;
  while (r.pos < end) {
    const { field, wire } = r.tag();
    switch (field) {
      case 1: expectWire(wire, 2, 'string_value'); value = r.string(); break;
      case 2: expectWire(wire, 0, 'bool_value'); value = r.varint() !== 0; break;
      case 3: {
        expectWire(wire, 0, 'int_value');
        const big = r.varintBig();
        value = big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big.toString();
        break;
      }
      case 4: expectWire(wire, 1, 'double_value'); value = r.double(); break;
      case 5: {
        expectWire(wire, 2, 'array_value');
        const arrayEnd = messageEnd(r);
        const values: AttributeValue[] = [];
        while (r.pos < arrayEnd) {
          const t = r.tag();
          if (t.field === 1 && t.wire === 2) values.push(readAnyValue(r, messageEnd(r), depth + 1));
          else r.skip(t.wire);
        }
        finish(r, arrayEnd);
        value = values;
        break;
      }
      case 6: {
        expectWire(wire, 2, 'kvlist_value');
        const listEnd = messageEnd(r);
        const object: Record<string, AttributeValue> = {};
        while (r.pos < listEnd) {
          const t = r.tag();
          if (t.field === 1 && t.wire === 2) readKeyValue(r, messageEnd(r), object, depth + 1);
          else r.skip(t.wire);
        }
        finish(r, listEnd);
        value = object;
        break;
      }
      case 7: expectWire(wire, 2, 'bytes_value'); value = Buffer.from(r.bytesHex(), 'hex').toString('base64'); break;
      default: r.skip(wire);
    }
  }
  finish(r, end);
  return value;
}

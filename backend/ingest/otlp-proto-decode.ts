// OTLP/HTTP protobuf: ExportLogsServiceRequest bytes → LogBatch[] of the shared record model.
// Field numbers from opentelemetry-proto (collector/logs/v1/logs_service.proto, logs/v1/logs.proto,
// common/v1/common.proto). Unknown fields are skipped, as protobuf requires. Scope name/version become the
// attributes `otel.scope.name` / `otel.scope.version` when present.
import type { AttributeValue, Attributes, LogBatch, LogRecord } from '../../collector/component/log-record.js';
import { ProtobufError, ProtobufReader } from './protobuf-reader.js';

const MAX_DEPTH = 16;

export function decodeOtlpLogsProto(bytes: Uint8Array): LogBatch[] {
  const reader = new ProtobufReader(bytes);
  const batches: LogBatch[] = [];
  while (!reader.done) {
    const { field, wire } = reader.tag();
    if (field === 1 && wire === 2) batches.push(...readResourceLogs(reader.sub()));
    else reader.skip(wire);
  }
  return batches;
}

function readResourceLogs(r: ProtobufReader): LogBatch[] {
  let resource: Attributes = {};
  const scopes: { scope: Attributes; records: LogRecord[] }[] = [];
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === 2) resource = readResource(r.sub());
    else if (field === 2 && wire === 2) scopes.push(readScopeLogs(r.sub()));
    else r.skip(wire);
  }
  return scopes.map(({ scope, records }) => {
    if (Object.keys(scope).length > 0) for (const record of records) Object.assign(record.attributes, { ...scope, ...record.attributes });
    return { resource, records };
  });
}

function readResource(r: ProtobufReader): Attributes {
  const attributes: Attributes = {};
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === 2) readKeyValue(r.sub(), attributes, 0);
    else r.skip(wire);
  }
  return attributes;
}

function readScopeLogs(r: ProtobufReader): { scope: Attributes; records: LogRecord[] } {
  const scope: Attributes = {};
  const records: LogRecord[] = [];
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === 2) {
      const s = r.sub();
      while (!s.done) {
        const t = s.tag();
        if (t.field === 1 && t.wire === 2) { const name = s.string(); if (name) scope['otel.scope.name'] = name; }
        else if (t.field === 2 && t.wire === 2) { const version = s.string(); if (version) scope['otel.scope.version'] = version; }
        else s.skip(t.wire);
      }
    } else if (field === 2 && wire === 2) records.push(readLogRecord(r.sub()));
    else r.skip(wire);
  }
  return { scope, records };
}

function readLogRecord(r: ProtobufReader): LogRecord {
  const record: LogRecord = {
    timeUnixNano: '0', observedTimeUnixNano: '0', severityNumber: 0, severityText: '', body: '', attributes: {},
  };
  while (!r.done) {
    const { field, wire } = r.tag();
    switch (field) {
      case 1: if (wire !== 1) throw new ProtobufError('time_unix_nano must be fixed64'); record.timeUnixNano = r.fixed64String(); break;
      case 11: if (wire !== 1) throw new ProtobufError('observed_time_unix_nano must be fixed64'); record.observedTimeUnixNano = r.fixed64String(); break;
      case 2: if (wire !== 0) throw new ProtobufError('severity_number must be a varint'); record.severityNumber = r.varint(); break;
      case 3: if (wire !== 2) throw new ProtobufError('severity_text must be a string'); record.severityText = r.string(); break;
      case 5: if (wire !== 2) throw new ProtobufError('body must be an AnyValue'); record.body = readAnyValue(r.sub(), 0); break;
      case 6: if (wire !== 2) throw new ProtobufError('attributes must be KeyValues'); readKeyValue(r.sub(), record.attributes, 0); break;
      case 8: if (wire !== 5) throw new ProtobufError('flags must be fixed32'); record.flags = r.fixed32(); break;
      case 9: if (wire !== 2) throw new ProtobufError('trace_id must be bytes'); { const id = r.bytesHex(); if (id) record.traceId = id; } break;
      case 10: if (wire !== 2) throw new ProtobufError('span_id must be bytes'); { const id = r.bytesHex(); if (id) record.spanId = id; } break;
      case 12: if (wire !== 2) throw new ProtobufError('event_name must be a string'); { const name = r.string(); if (name) record.eventName = name; } break;
      default: r.skip(wire);
    }
  }
  return record;
}

function readKeyValue(r: ProtobufReader, into: Attributes | Record<string, AttributeValue>, depth: number): void {
  let key = '';
  let value: AttributeValue = null;
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === 2) key = r.string();
    else if (field === 2 && wire === 2) value = readAnyValue(r.sub(), depth + 1);
    else r.skip(wire);
  }
  into[key] = value;
}

function readAnyValue(r: ProtobufReader, depth: number): AttributeValue {
  if (depth > MAX_DEPTH) throw new ProtobufError('values nested too deeply');
  let value: AttributeValue = null;
  while (!r.done) {
    const { field, wire } = r.tag();
    switch (field) {
      case 1: if (wire !== 2) throw new ProtobufError('string_value must be a string'); value = r.string(); break;
      case 2: if (wire !== 0) throw new ProtobufError('bool_value must be a varint'); value = r.varint() !== 0; break;
      case 3: {
        if (wire !== 0) throw new ProtobufError('int_value must be a varint');
        const big = r.varintBig();
        value = big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big.toString();
        break;
      }
      case 4: if (wire !== 1) throw new ProtobufError('double_value must be fixed64'); value = r.double(); break;
      case 5: {
        if (wire !== 2) throw new ProtobufError('array_value must be a message');
        const a = r.sub();
        const values: AttributeValue[] = [];
        while (!a.done) {
          const t = a.tag();
          if (t.field === 1 && t.wire === 2) values.push(readAnyValue(a.sub(), depth + 1));
          else a.skip(t.wire);
        }
        value = values;
        break;
      }
      case 6: {
        if (wire !== 2) throw new ProtobufError('kvlist_value must be a message');
        const k = r.sub();
        const object: Record<string, AttributeValue> = {};
        while (!k.done) {
          const t = k.tag();
          if (t.field === 1 && t.wire === 2) readKeyValue(k.sub(), object, depth + 1);
          else k.skip(t.wire);
        }
        value = object;
        break;
      }
      case 7: if (wire !== 2) throw new ProtobufError('bytes_value must be bytes'); value = Buffer.from(r.bytesHex(), 'hex').toString('base64'); break;
      default: r.skip(wire);
    }
  }
  return value;
}

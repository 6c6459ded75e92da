// A LogBatch straight into an OTLP ExportLogsServiceRequest (protobuf), in one pass over one growing buffer:
// no SDK records, no request objects, no per-record copies. Field numbers from opentelemetry-proto
// (collector/logs/v1/logs_service.proto, logs/v1/logs.proto, common/v1/common.proto, resource/v1/resource.proto).
// What is sent is what otlp-transformer sent for the same batch through to-sdk-records.ts (the tests decode both
// and compare): scope `fleetlog`; record id and boot id as the attributes `log.record.uid` / `fleetlog.boot.id`;
// trace_id, span_id and flags only when both ids are present; default values (0, '') left out.
import type { AttributeValue, Attributes, LogBatch, LogRecord } from '../../../collector/component/index.js';
import { ProtobufWriter } from './protobuf-writer.js';
import { RepeatCache } from './repeat-cache.js';
import { ATTR_BOOT_ID, ATTR_RECORD_UID } from './to-sdk-records.js';

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_BYTES = 2;
const WIRE_FIXED32 = 5;
const SCOPE_NAME = 'fleetlog';
const NANOS_PER_SECOND = 1_000_000_000;
const TWO_POW_16 = 0x1_0000;
const TWO_POW_32 = 0x1_0000_0000;
const INT64_MIN = -(2 ** 63);
const INT64_MAX_EXCLUSIVE = 2 ** 63;
/** Bytes reserved for a record's length: most encoded records are 128 B – 16 KiB. */
const RECORD_LENGTH_BYTES = 2;
/** LogRecord.body's tag byte (field 5, length-delimited). */
const TAG_BODY = (5 << 3) | WIRE_BYTES;
/** LogRecord.attributes' tag byte (field 6, length-delimited). */
const TAG_ATTRIBUTE = (6 << 3) | WIRE_BYTES;

/** The batch as ExportLogsServiceRequest bytes; an empty batch gives an empty request (no bytes). */
export function encodeLogsRequestProto(batch: LogBatch, initialBytes?: number): Buffer {
  return encodeLogsRequestInto(new ProtobufWriter(initialBytes ?? 256 + batch.records.length * 256), batch);
}

/** The same, written into `w` (reset first) and returned as a view of its buffer, valid until its next use. */
export function encodeLogsRequestInto(w: ProtobufWriter, batch: LogBatch): Buffer {
  w.reset();
  if (batch.records.length === 0) return w.finish();
  w.tag(1, WIRE_BYTES); // ExportLogsServiceRequest.resource_logs
  const resourceLogs = w.begin(4);
  w.tag(1, WIRE_BYTES); // ResourceLogs.resource
  const resource = w.begin(2);
  writeAttributes(w, batch.resource); // Resource.attributes
  w.end(resource);
  w.tag(2, WIRE_BYTES); // ResourceLogs.scope_logs
  const scopeLogs = w.begin(4);
  w.tag(1, WIRE_BYTES); // ScopeLogs.scope
  const scope = w.begin(1);
  w.tag(1, WIRE_BYTES); // InstrumentationScope.name
  w.string(SCOPE_NAME);
  w.end(scope);
  const repeats = new RepeatCache();
  for (const record of batch.records) {
    w.tag(2, WIRE_BYTES); // ScopeLogs.log_records
    writeLogRecord(w, record, repeats);
    repeats.check(w);
  }
  w.end(scopeLogs);
  w.end(resourceLogs);
  return w.finish();
}

function writeLogRecord(w: ProtobufWriter, record: LogRecord, repeats: RepeatCache): void {
  const mark = w.begin(RECORD_LENGTH_BYTES);
  w.tag(1, WIRE_FIXED64); // time_unix_nano
  writeUnixNano(w, record.timeUnixNano, lastTime);
  if (record.severityNumber) {
    w.tag(2, WIRE_VARINT); // severity_number
    w.int64(record.severityNumber);
  }
  if (record.severityText) {
    w.tag(3, WIRE_BYTES); // severity_text
    w.string(record.severityText);
  }
  const body = record.body;
  // body: the usual short ASCII message with its lengths known up front, anything else the general way
  if (body !== undefined && !(typeof body === 'string' && w.anyStringValue(TAG_BODY, body))) {
    w.tag(5, WIRE_BYTES);
    const mark = w.begin(1);
    writeAnyValue(w, body);
    w.end(mark);
  }
  writeRecordAttributes(w, record, repeats); // attributes
  const { traceId, spanId } = record;
  if (traceId !== undefined && spanId !== undefined) {
    if (record.flags) {
      w.tag(8, WIRE_FIXED32); // flags
      w.fixed32(record.flags);
    }
    if (traceId) {
      w.tag(9, WIRE_BYTES); // trace_id
      w.hexBytes(traceId);
    }
    if (spanId) {
      w.tag(10, WIRE_BYTES); // span_id
      w.hexBytes(spanId);
    }
  }
  w.tag(11, WIRE_FIXED64); // observed_time_unix_nano
  writeUnixNano(w, record.observedTimeUnixNano, lastObservedTime);
  if (record.eventName) {
    w.tag(12, WIRE_BYTES); // event_name
    w.string(record.eventName);
  }
  w.end(mark);
}

/** Resource.attributes (field 1). */
function writeAttributes(w: ProtobufWriter, attributes: Attributes): void {
  for (const key in attributes) {
    if (Object.prototype.hasOwnProperty.call(attributes, key)) writeKeyValue(w, 1, key, attributes[key]);
  }
}

/**
 * LogRecord.attributes with the record id and boot id, as `{ ...attributes, uid, boot }` would give (a same-named
 * attribute keeps its place and takes the id's value). String values the previous record had too are copied.
 */
function writeRecordAttributes(w: ProtobufWriter, record: LogRecord, repeats: RepeatCache): void {
  const { attributes, recordId, bootId } = record;
  let wroteRecordId = recordId === undefined;
  let wroteBootId = bootId === undefined;
  for (const key in attributes) {
    if (!Object.prototype.hasOwnProperty.call(attributes, key)) continue;
    if (!wroteRecordId && key === ATTR_RECORD_UID) {
      writeKeyValue(w, 6, key, recordId); // unique per record: nothing to repeat
      wroteRecordId = true;
      continue;
    }
    let value = attributes[key];
    if (!wroteBootId && key === ATTR_BOOT_ID) {
      value = bootId;
      wroteBootId = true;
    }
    if (typeof value !== 'string' || !repeats.write(w, TAG_ATTRIBUTE, key, value)) writeKeyValue(w, 6, key, value);
  }
  if (!wroteRecordId) writeKeyValue(w, 6, ATTR_RECORD_UID, recordId);
  if (!wroteBootId && !repeats.write(w, TAG_ATTRIBUTE, ATTR_BOOT_ID, bootId!)) writeKeyValue(w, 6, ATTR_BOOT_ID, bootId);
}

function writeKeyValue(w: ProtobufWriter, field: number, key: string, value: AttributeValue | undefined): void {
  if (typeof value === 'string' && w.keyStringValue((field << 3) | WIRE_BYTES, key, value)) return;
  w.tag(field, WIRE_BYTES);
  const keyValue = w.begin(1);
  w.tag(1, WIRE_BYTES); // KeyValue.key
  w.string(key);
  w.tag(2, WIRE_BYTES); // KeyValue.value
  const anyValue = w.begin(1);
  writeAnyValue(w, value);
  w.end(anyValue);
  w.end(keyValue);
}

/** AnyValue's fields (the caller writes the length); null and unknown types give an empty AnyValue. */
function writeAnyValue(w: ProtobufWriter, value: AttributeValue | undefined): void {
  switch (typeof value) {
    case 'string':
      w.tag(1, WIRE_BYTES);
      w.string(value);
      return;
    case 'boolean':
      w.tag(2, WIRE_VARINT);
      w.uint32(value ? 1 : 0);
      return;
    case 'number':
      if (Number.isInteger(value) && value >= INT64_MIN && value < INT64_MAX_EXCLUSIVE) {
        w.tag(3, WIRE_VARINT);
        w.int64(value);
      } else {
        w.tag(4, WIRE_FIXED64);
        w.double(value);
      }
      return;
    case 'object':
      if (value === null) return;
      if (Array.isArray(value)) {
        w.tag(5, WIRE_BYTES); // array_value
        const array = w.begin(1);
        for (const item of value as readonly AttributeValue[]) {
          w.tag(1, WIRE_BYTES); // ArrayValue.values
          const itemMark = w.begin(1);
          writeAnyValue(w, item);
          w.end(itemMark);
        }
        w.end(array);
        return;
      }
      w.tag(6, WIRE_BYTES); // kvlist_value
      {
        const list = w.begin(1);
        const object = value as { readonly [key: string]: AttributeValue };
        for (const key in object) {
          if (Object.prototype.hasOwnProperty.call(object, key)) writeKeyValue(w, 1, key, object[key]);
        }
        w.end(list);
      }
      return;
    default:
  }
}

/** A time field's last text and its value as two 32-bit halves (a batch's records share observed times). */
interface LastTime { text: string; low: number; high: number }
const lastTime: LastTime = { text: '', low: 0, high: 0 };
const lastObservedTime: LastTime = { text: '', low: 0, high: 0 };
/** What convertUnixNano gives. */
let lastLow = 0;
let lastHigh = 0;

/** A decimal Unix-nanosecond string as fixed64; '' and unparsable text as 0 (as to-sdk-records.ts did). */
function writeUnixNano(w: ProtobufWriter, text: string, last: LastTime): void {
  if (text !== last.text) {
    convertUnixNano(text);
    last.text = text;
    last.low = lastLow;
    last.high = lastHigh;
  }
  w.fixed64(last.low, last.high);
}

/** Sets lastLow, lastHigh. */
function convertUnixNano(text: string): void {
  const digits = text.length;
  if (digits > 0 && digits <= 19) {
    // ≤ 19 digits < 2^64: seconds (≤ 10 digits) and nanoseconds (9 digits) are exact doubles.
    const split = digits - 9;
    let seconds = 0;
    let i = 0;
    for (; i < split; i += 1) {
      const d = text.charCodeAt(i) - 48;
      if (d < 0 || d > 9) break;
      seconds = seconds * 10 + d;
    }
    let nanos = 0;
    if (i === Math.max(split, 0)) {
      for (; i < digits; i += 1) {
        const d = text.charCodeAt(i) - 48;
        if (d < 0 || d > 9) break;
        nanos = nanos * 10 + d;
      }
    }
    if (i === digits) {
      convertSecondsNanos(seconds, nanos);
      return;
    }
  }
  convertUnixNanoSlow(text);
}

/** seconds·10⁹ as two 32-bit halves, for the last whole second converted (consecutive records share it). */
let cachedSeconds = -1;
let cachedLow = 0;
let cachedHigh = 0;

/** seconds·10⁹ + nanos (seconds < 10¹⁰, nanos < 10⁹, so the sum < 2^64), every product below 2^53. */
function convertSecondsNanos(seconds: number, nanos: number): void {
  if (seconds !== cachedSeconds) {
    const upper = Math.floor(seconds / TWO_POW_16) * NANOS_PER_SECOND; // < 2^48, counts units of 2^16 ns
    const lower = (seconds % TWO_POW_16) * NANOS_PER_SECOND; // < 2^46
    const low = (upper % TWO_POW_16) * TWO_POW_16 + lower; // < 2^47
    cachedLow = low % TWO_POW_32;
    cachedHigh = Math.floor(upper / TWO_POW_16) + Math.floor(low / TWO_POW_32);
    cachedSeconds = seconds;
  }
  const low = cachedLow + nanos;
  const carry = low < TWO_POW_32 ? 0 : 1;
  lastLow = low - carry * TWO_POW_32;
  lastHigh = cachedHigh + carry;
}

/** Anything else (whitespace, 0x…, > 19 digits, negative): BigInt's reading, 0 when it has none. */
function convertUnixNanoSlow(text: string): void {
  let nanos = 0n;
  if (text !== '') {
    try {
      nanos = BigInt.asUintN(64, BigInt(text));
    } catch {
      nanos = 0n;
    }
  }
  lastLow = Number(nanos & 0xffff_ffffn);
  lastHigh = Number(nanos >> 32n);
}

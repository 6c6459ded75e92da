import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import fc from 'fast-check';
import { decodeOtlpLogsProto } from '../../../backend/ingest/otlp-proto-decode.js';
import { ProtobufReader } from '../../../backend/ingest/protobuf-reader.js';
import type { AttributeValue, Attributes, LogBatch, LogRecord } from '../../../collector/component/index.js';
import { makeBatch } from '../../../collector/testkit/index.js';
import { encodeLogsRequestProto } from './protobuf-encoder.js';
import { ATTR_BOOT_ID, ATTR_RECORD_UID, toSdkRecords } from './to-sdk-records.js';

// (1) Round trip through the backend's decoder (an independent implementation): what it reads back is the batch,
// plus what the wire adds — the id attributes and the scope name — and minus what OTLP leaves out.

const key = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('component', ATTR_RECORD_UID, ATTR_BOOT_ID, 'otel.scope.name'),
).filter((k) => k !== '__proto__');
const text = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 40 }), fc.string({ maxLength: 400 }));
const value: fc.Arbitrary<AttributeValue> = fc.letrec<{ value: AttributeValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    text,
    fc.boolean(),
    fc.maxSafeInteger(),
    fc.double(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(key, tie('value'), { maxKeys: 4, noNullPrototype: true }),
  ),
})).value;
const attributes: fc.Arbitrary<Attributes> = fc.dictionary(key, value, { maxKeys: 6, noNullPrototype: true });
// Also times a few seconds apart (records of a batch share seconds: the encoder caches the last one), around a
// second's boundary and where the nanoseconds carry into the high 32 bits (…646643712 = …646643711 + 1 = k·2^32),
// and digit strings with leading zeros or junk (read the way BigInt reads them).
const unixNano = fc.oneof(
  fc.constant('0'),
  fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(String),
  fc.bigInt({ min: 1_600_000_000_000_000_000n, max: 2_000_000_000_000_000_000n }).map(String),
  fc.bigInt({ min: 1_769_040_000_000_000_000n, max: 1_769_040_003_000_000_000n }).map(String),
  fc.constantFrom('1769040000999999999', '1769040001000000000', '1769040000646643711', '1769040000646643712', '4294967295999999999', '4294967296000000000', '000000000000000001', '9999999999999999999'),
  fc.string({ unit: fc.constantFrom('0', '1', '9', ' ', 'x'), minLength: 1, maxLength: 22 }),
);
const hexId = (bytes: number): fc.Arbitrary<string> => fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((b) => Buffer.from(b).toString('hex'));

const record: fc.Arbitrary<LogRecord> = fc.record({
  timeUnixNano: unixNano,
  observedTimeUnixNano: unixNano,
  severityNumber: fc.integer({ min: 0, max: 24 }),
  severityText: text,
  body: value,
  attributes,
  recordId: fc.string({ maxLength: 30 }),
  bootId: fc.uuid(),
  traceId: fc.oneof(hexId(16), fc.constant('')),
  spanId: hexId(8),
  flags: fc.integer({ min: 0, max: 255 }),
  eventName: text,
}, { requiredKeys: ['timeUnixNano', 'observedTimeUnixNano', 'severityNumber', 'severityText', 'body', 'attributes'] });
const batch: fc.Arbitrary<LogBatch> = fc.record({ resource: attributes, records: fc.array(record, { minLength: 1, maxLength: 8 }) });

/** What the backend reads back for a value: integers beyond 2^53 (within int64) as decimal text, -0 as 0 (an int). */
function expectedValue(v: AttributeValue): AttributeValue {
  if (typeof v === 'number' && Object.is(v, -0)) return 0;
  if (typeof v === 'number') return Number.isInteger(v) && !Number.isSafeInteger(v) && Math.abs(v) <= 2 ** 63 && v !== 2 ** 63 ? BigInt(v).toString() : v;
  if (Array.isArray(v)) return v.map(expectedValue);
  if (v !== null && typeof v === 'object') return expectedAttributes(v as Attributes);
  return v;
}

function expectedAttributes(attrs: Attributes): Attributes {
  return Object.fromEntries(Object.entries(attrs).map(([k, v]) => [k, expectedValue(v)]));
}

/** A time as the wire carries it: the unsigned 64-bit number BigInt reads in the text, 0 when it reads none. */
function expectedUnixNano(text: string): string {
  try {
    return String(BigInt.asUintN(64, BigInt(text)));
  } catch {
    return '0';
  }
}

/** What the backend should read back for a record. */
function expectedRecord(r: LogRecord): LogRecord {
  const attrs: Attributes = expectedAttributes(r.attributes);
  if (r.recordId !== undefined) attrs[ATTR_RECORD_UID] = r.recordId;
  if (r.bootId !== undefined) attrs[ATTR_BOOT_ID] = r.bootId;
  if (!('otel.scope.name' in attrs)) attrs['otel.scope.name'] = 'fleetlog';
  const out: LogRecord = {
    timeUnixNano: expectedUnixNano(r.timeUnixNano), observedTimeUnixNano: expectedUnixNano(r.observedTimeUnixNano), severityNumber: r.severityNumber,
    severityText: r.severityText, body: expectedValue(r.body), attributes: attrs,
  };
  if (r.traceId !== undefined && r.spanId !== undefined) {
    if (r.flags) out.flags = r.flags;
    if (r.traceId) out.traceId = r.traceId;
    if (r.spanId) out.spanId = r.spanId;
  }
  if (r.eventName) out.eventName = r.eventName;
  return out;
}

test('protobuf encoder: random batches decode (backend decoder) to the same resource, records and attributes', () => {
  fc.assert(fc.property(batch, (b) => {
    const decoded = decodeOtlpLogsProto(encodeLogsRequestProto(b, 16)); // a tiny first buffer: growth is exercised
    assert.deepEqual(decoded, [{ resource: expectedAttributes(b.resource), records: b.records.map(expectedRecord) }]);
  }), { numRuns: 500 });
});

test('protobuf encoder: records that repeat their neighbours\' string attributes (copied as bytes), around records over 16 KiB', () => {
  // Few keys and values, so that records often repeat the previous one's; long and non-ASCII values take the general
  // path; a body over 16 KiB widens its record's length prefix, which moves bytes the copies point at.
  const pooledValue = fc.constantFrom('payment', 'door', '/var/log/vending/vending_machine.log', 'é', 'x'.repeat(130), '');
  const pooledRecord: fc.Arbitrary<LogRecord> = fc.record({
    timeUnixNano: unixNano,
    observedTimeUnixNano: unixNano,
    severityNumber: fc.constantFrom(9, 17),
    severityText: fc.constantFrom('INFO', 'ERROR'),
    body: fc.oneof(fc.constantFrom('ok', 'é'), fc.nat(3).map((n) => 'b'.repeat(n * 9_000))),
    attributes: fc.dictionary(fc.constantFrom('component', 'log.file.path', 'log.file.name', ATTR_BOOT_ID, 'n'), fc.oneof(pooledValue, fc.nat(2)), { noNullPrototype: true }),
    recordId: fc.constantFrom('r:1', 'r:2'),
    bootId: fc.constantFrom('boot-a', 'boot-b'),
  }, { requiredKeys: ['timeUnixNano', 'observedTimeUnixNano', 'severityNumber', 'severityText', 'body', 'attributes'] });
  fc.assert(fc.property(fc.array(pooledRecord, { minLength: 1, maxLength: 12 }), (records) => {
    const b: LogBatch = { resource: { 'device.id': 'VM001' }, records };
    const bytes = encodeLogsRequestProto(b, 16);
    assert.deepEqual(decodeOtlpLogsProto(bytes), [{ resource: expectedAttributes(b.resource), records: records.map(expectedRecord) }]);
    assert.deepEqual(decodeRequest(bytes), decodeRequest(reference(b)));
  }), { numRuns: 150 });
});

// (2) The same request as otlp-transformer's encoding of the SDK-record mapping, compared as decoded structures:
// every field of the request tree by number (schema below, opentelemetry-proto), proto3 defaults dropped except
// inside AnyValue (a oneof, where an empty string is a value).

type Kind = 'string' | 'varint' | 'fixed64' | 'fixed32' | 'double' | 'bytes' | Schema;
interface Schema { name: string; fields: Record<number, Kind> }
const anyValue: Schema = { name: 'AnyValue', fields: {} };
const keyValue: Schema = { name: 'KeyValue', fields: { 1: 'string', 2: anyValue } };
Object.assign(anyValue.fields, { 1: 'string', 2: 'varint', 3: 'varint', 4: 'double', 5: { name: 'ArrayValue', fields: { 1: anyValue } }, 6: { name: 'KeyValueList', fields: { 1: keyValue } }, 7: 'bytes' });
const logRecord: Schema = { name: 'LogRecord', fields: { 1: 'fixed64', 2: 'varint', 3: 'string', 5: anyValue, 6: keyValue, 7: 'varint', 8: 'fixed32', 9: 'bytes', 10: 'bytes', 11: 'fixed64', 12: 'string' } };
const request: Schema = { name: 'ExportLogsServiceRequest', fields: { 1: { name: 'ResourceLogs', fields: {
  1: { name: 'Resource', fields: { 1: keyValue, 2: 'varint' } },
  2: { name: 'ScopeLogs', fields: { 1: { name: 'InstrumentationScope', fields: { 1: 'string', 2: 'string', 3: keyValue, 4: 'varint' } }, 2: logRecord, 3: 'string' } },
  3: 'string',
} } } };

type Tree = { [field: string]: Array<string | Tree> };

function decodeTree(r: ProtobufReader, schema: Schema): Tree {
  const tree: Tree = {};
  while (!r.done) {
    const { field, wire } = r.tag();
    const kind = schema.fields[field];
    assert.ok(kind !== undefined, `${schema.name} has no field ${field}`);
    let v: string | Tree;
    if (typeof kind === 'object') v = decodeTree(r.sub(), kind);
    else if (kind === 'string') v = r.string();
    else if (kind === 'bytes') v = r.bytesHex();
    else if (kind === 'varint') v = r.varintBig().toString();
    else if (kind === 'fixed64') v = r.fixed64String();
    else if (kind === 'fixed32') v = String(r.fixed32());
    else v = String(r.double());
    assert.equal(wire, typeof kind === 'object' || kind === 'string' || kind === 'bytes' ? 2 : { varint: 0, fixed64: 1, double: 1, fixed32: 5 }[kind], `${schema.name}.${field} wire type`);
    if (schema !== anyValue && (v === '' || v === '0')) continue; // proto3 default = absent
    (tree[field] ??= []).push(v);
  }
  return tree;
}

function decodeRequest(bytes: Uint8Array): Tree {
  return decodeTree(new ProtobufReader(bytes), request);
}

function reference(b: LogBatch): Uint8Array {
  const bytes = ProtobufLogsSerializer.serializeRequest(toSdkRecords(b));
  assert.ok(bytes);
  return bytes;
}

function fixedBatches(): Array<[string, LogBatch]> {
  const rich = makeBatch(6, { 'device.id': 'VM001', site: 'lobby', 'service.name': 'vending' });
  const [a, b, c, d, e, f] = rich.records as [LogRecord, LogRecord, LogRecord, LogRecord, LogRecord, LogRecord];
  a.attributes = { component: 'payment', txn: 'abc123', amount_cents: 2000, ratio: 0.5, ok: true, tags: ['a', 'b', 3], nested: { k: 'v', deeper: { n: null } }, none: null };
  a.bootId = 'boot-1';
  a.traceId = '0af7651916cd43dd8448eb211c80319c';
  a.spanId = 'b7ad6b7169203331';
  a.flags = 1;
  a.eventName = 'payment.declined';
  b.attributes = { [ATTR_RECORD_UID]: 'overridden', big: 2 ** 60, negative: -42, minInt: -(2 ** 63), huge: 1e300, nan: Number.NaN, inf: -Infinity, empty: '', unicode: 'Grüße, 東京 🍫' };
  b.body = { code: 'E42', detail: ['jam', 2] };
  b.traceId = '0af7651916cd43dd8448eb211c80319c'; // no span id: no trace context is sent
  b.flags = 1;
  c.body = null;
  c.severityNumber = 0;
  c.severityText = '';
  c.timeUnixNano = '0';
  c.observedTimeUnixNano = '';
  delete c.recordId;
  d.body = 'x'.repeat(20_000); // a record longer than 16 KiB: its length prefix needs 3 bytes
  d.timeUnixNano = '18446744073709551615';
  d.observedTimeUnixNano = '1769092215123456789';
  e.timeUnixNano = 'not a time';
  e.observedTimeUnixNano = '99';
  e.body = '';
  f.traceId = 'ABCDEF0123456789abcdef0123456789';
  f.spanId = '';
  f.flags = 0;
  return [
    ['makeBatch(5)', makeBatch(5)],
    ['rich and odd records', rich],
    ['1,000 records', makeBatch(1000)],
    ['empty resource', { resource: {}, records: makeBatch(2).records }],
  ];
}

describe('protobuf encoder: the same request as otlp-transformer over to-sdk-records', () => {
  for (const [name, b] of fixedBatches()) {
    test(name, () => {
      const ours = decodeRequest(encodeLogsRequestProto(b));
      assert.deepEqual(ours, decodeRequest(reference(b)));
      assert.equal((ours['1']![0] as Tree)['2']!.length, 1, 'one ScopeLogs');
    });
  }

  test('random batches too', () => {
    fc.assert(fc.property(batch, (b) => {
      assert.deepEqual(decodeRequest(encodeLogsRequestProto(b)), decodeRequest(reference(b)));
    }), { numRuns: 300 });
  });

  test('an empty batch is an empty request, as before', () => {
    const empty: LogBatch = { resource: { 'device.id': 'VM001' }, records: [] };
    assert.equal(encodeLogsRequestProto(empty).length, 0);
    assert.equal(reference(empty).length, 0);
  });

  test('a writer started with no buffer at all grows', () => {
    const b = makeBatch(3);
    assert.deepEqual(encodeLogsRequestProto(b, 0), encodeLogsRequestProto(b));
  });
});

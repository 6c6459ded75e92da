import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { JsonBytes, levelOfSeverity, msToUnixNano, type Attributes, type LogRecord } from '../../../collector/component/index.js';
import { makeBatch } from '../../../collector/testkit/index.js';
import { batchJson, contextOf, isoOfUnixNano, recordToJsonLine, writeRecordJson } from './record-json.js';

test('ISO times equal Date#toISOString for any millisecond (the per-second cache never goes stale)', () => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 4e12 }), fc.integer({ min: 0, max: 999 }), (ms, delta) => {
    for (const t of [ms, ms + delta, ms]) assert.equal(isoOfUnixNano(msToUnixNano(t)), new Date(t).toISOString());
  }), { numRuns: 500 });
  assert.equal(isoOfUnixNano('0'), null);
  assert.equal(isoOfUnixNano('1769092215123999999'), '2026-01-22T14:30:15.123Z');
});

test('a line is one JSON object ending in a newline, the resource included once', () => {
  const batch = makeBatch(1, { 'device.id': 'VM001', 'a"b': 'x\ny' });
  const line = recordToJsonLine(batch.records[0]!, batch.resource);
  assert.ok(line.endsWith('}\n') && !line.slice(0, -1).includes('\n'));
  const parsed = JSON.parse(line) as Record<string, unknown>;
  assert.deepEqual(parsed.resource, { 'device.id': 'VM001', 'a"b': 'x\ny' });
  assert.equal(parsed.machine_id, 'VM001');
});

/** The line as the object it describes, stringified (how recordToJsonLine wrote it before it wrote text directly). */
function referenceLine(record: LogRecord, resource: Attributes): string {
  const component = record.attributes.component;
  const machine = resource['device.id'];
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
  };
  if (record.recordId !== undefined) line.record_id = record.recordId;
  if (record.bootId !== undefined) line.boot_id = record.bootId;
  if (record.traceId !== undefined) line.trace_id = record.traceId;
  if (record.spanId !== undefined) line.span_id = record.spanId;
  if (record.flags !== undefined) line.flags = record.flags;
  if (record.eventName !== undefined) line.event_name = record.eventName;
  line.resource = resource;
  return `${JSON.stringify(line)}\n`;
}

// Plain ASCII (the fast path), any code point, and any UTF-16 code unit (lone surrogates, control characters,
// quotes and backslashes: what JSON.stringify escapes).
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
const escapable = fc.constantFrom('"', '\\', '\n', '\u0000', '\u001f', '\u007f', '\ud800', '\udfff', '\u2028', 'é', '😀');
const text = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: codeUnit }), fc.string({ unit: fc.oneof(fc.string({ minLength: 1, maxLength: 1 }), escapable) }));
const scalar = fc.oneof(text, fc.integer(), fc.double(), fc.constantFrom(-0, 1e21, 5e-324, 2 ** 31, -(2 ** 31), Number.MAX_SAFE_INTEGER + 2), fc.boolean(), fc.constant(null), fc.constant(undefined));
const nested = fc.oneof(fc.jsonValue(), fc.array(scalar, { maxLength: 4 }), fc.dictionary(text, scalar, { maxKeys: 4 }));
const value = fc.oneof({ arbitrary: scalar, weight: 4 }, { arbitrary: nested, weight: 1 });
const key = fc.oneof(text, fc.constant('component'), fc.constant('__proto__'), fc.nat(20).map(String));
const attributes = fc.dictionary(key, value);
// Unix nanoseconds: realistic, '0', any digits (leading zeros, 1–22 of them, junk after them), any text.
const digitText = fc.string({ unit: fc.constantFrom('0', '1', '7', '9', '9', 'x', ' '), minLength: 1, maxLength: 22 });
const nano = fc.oneof(fc.constant('0'), fc.bigInt({ min: 0n, max: 4_000_000_000_000_000_000n }).map(String), digitText, text);
const record = fc.record({
  timeUnixNano: nano, observedTimeUnixNano: nano, severityNumber: fc.oneof(fc.integer({ min: -2, max: 30 }), fc.double()),
  severityText: text, body: value, attributes,
  recordId: fc.option(text, { nil: undefined }), bootId: fc.option(text, { nil: undefined }), traceId: fc.option(text, { nil: undefined }),
  spanId: fc.option(text, { nil: undefined }), flags: fc.option(fc.integer(), { nil: undefined }), eventName: fc.option(text, { nil: undefined }),
}, { requiredKeys: ['timeUnixNano', 'observedTimeUnixNano', 'severityNumber', 'severityText', 'body', 'attributes'] });
const resource = fc.dictionary(fc.oneof(text, fc.constant('device.id')), value);

test('a line is exactly JSON.stringify of the object it describes, for any record and resource', () => {
  fc.assert(fc.property(record, resource, (r, res) => {
    assert.equal(recordToJsonLine(r as LogRecord, res as Attributes), referenceLine(r as LogRecord, res as Attributes));
  }), { numRuns: 2000 });
});

test('a batch written into one reused, growing buffer is the UTF-8 of its lines one after another', () => {
  const out = new JsonBytes(0);
  fc.assert(fc.property(fc.array(record, { maxLength: 8 }), resource, (records, res) => {
    out.reset(256);
    const json = batchJson(res as Attributes);
    for (const r of records) writeRecordJson(out, r as LogRecord, json);
    const expected = records.map((r) => referenceLine(r as LogRecord, res as Attributes)).join('');
    assert.deepEqual(out.view(), Buffer.from(expected));
  }), { numRuns: 300 });
});

test('lines that repeat their neighbours\' string context (copied as bytes) are still each JSON.stringify\'s', () => {
  // Few keys and values, so that lines often repeat the previous one's; one BatchJson across resets of the buffer
  // (the copies must not point into what a reset discarded).
  const pooled = fc.constantFrom('/var/log/vending/vending_machine.log', 'vending_machine.log', 'payment', 'é', 'a"b', '\ud800', '');
  const pooledRecord = fc.record({
    timeUnixNano: fc.constantFrom('1769040000001000000', '0'), observedTimeUnixNano: fc.constant('1769040001000000000'),
    severityNumber: fc.constantFrom(9, 17), severityText: fc.constantFrom('INFO', 'ERROR'), body: fc.constantFrom('ok', 'é'),
    attributes: fc.dictionary(fc.constantFrom('component', 'log.file.path', 'log.file.name', 'n', '1'), fc.oneof(pooled, fc.nat(3), fc.constant(undefined))),
    recordId: fc.constantFrom('f:1', 'f:2'),
  });
  const out = new JsonBytes(8);
  fc.assert(fc.property(fc.array(fc.array(pooledRecord, { maxLength: 10 }), { minLength: 1, maxLength: 3 }), resource, (batches, res) => {
    const json = batchJson(res as Attributes);
    for (const records of batches) {
      out.reset();
      for (const r of records) writeRecordJson(out, r as LogRecord, json);
      assert.deepEqual(out.view(), Buffer.from(records.map((r) => referenceLine(r as LogRecord, res as Attributes)).join('')));
    }
  }), { numRuns: 300 });
});

// RecordBytes writes exactly the UTF-8 of encodeRecordJson (JSON.stringify of the packed record) for any record —
// escapes, non-ASCII and lone surrogates, nested values, integer-like and odd keys, undefined values — so queue
// segments decode as before (decodeRecordJson).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { AttributeValue, LogRecord } from '../component/log-record.js';
import { RecordBytes } from './record-bytes.js';
import { decodeRecordJson, encodeRecordJson } from './record-codec.js';

const text = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }), // lone surrogates included
  fc.constantFrom('', '"', '\\', '\u007f', '\u0000\n\t', 'Zahlung — €5 🚀'),
);
const key = fc.oneof(text, fc.constantFrom('__proto__', 'toJSON', '0', '10', '2', '-1', '01', 'constructor'));
const number = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(-0, 2 ** 31, 2 ** 53, 1e21, 1e-7, Number.NaN, Number.POSITIVE_INFINITY));
const scalar: fc.Arbitrary<unknown> = fc.oneof(text, number, fc.boolean(), fc.constant(null), fc.constant(undefined));
const nested: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, scalar, fc.array(tie('value'), { maxLength: 3 }), fc.dictionary(key, tie('value'), { maxKeys: 3 }), fc.constant(new Date(0))),
})).value;
const attributes = fc.dictionary(key, nested, { maxKeys: 6 });

const recordArb = fc.record({
  timeUnixNano: fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 63n }).map(String), text),
  observedTimeUnixNano: fc.bigInt({ min: 0n, max: 2n ** 63n }).map(String),
  severityNumber: fc.oneof(fc.integer({ min: 0, max: 24 }), number),
  severityText: text,
  body: nested,
  attributes,
  recordId: fc.option(text, { nil: undefined }),
  bootId: fc.option(text, { nil: undefined }),
  traceId: fc.option(text, { nil: undefined }),
  spanId: fc.option(text, { nil: undefined }),
  flags: fc.option(number, { nil: undefined }),
  eventName: fc.option(text, { nil: undefined }),
}, { requiredKeys: ['timeUnixNano', 'observedTimeUnixNano', 'severityNumber', 'severityText', 'body', 'attributes'] }) as fc.Arbitrary<LogRecord>;

test('property: the bytes of a batch are those of encodeRecordJson, record after record', () => {
  const writer = new RecordBytes();
  fc.assert(fc.property(fc.array(recordArb, { maxLength: 8 }), (records) => {
    writer.reset();
    const lengths = records.map((r) => writer.record(r));
    const expected = records.map((r) => Buffer.from(encodeRecordJson(r)));
    assert.deepEqual(lengths, expected.map((b) => b.length));
    assert.ok(writer.copy().equals(Buffer.concat(expected)));
  }), { numRuns: 1000 });
});

test('a typical record decodes back to itself, and a batch larger than the initial buffer is written whole', () => {
  const r: LogRecord = {
    timeUnixNano: '1769092215123000000', observedTimeUnixNano: '1769092215130000000', severityNumber: 17, severityText: 'ERROR',
    body: 'Payment declined: card 4111…1111, "amount" 250 cents', attributes: { component: 'payment', 'log.file.path': '/var/log/vending/app.log', context: { slot: 4, ok: false } as AttributeValue },
    recordId: 'f00dfeed:123456', flags: 1,
  };
  const writer = new RecordBytes();
  let total = 0;
  for (let i = 0; i < 2_000; i += 1) total += writer.record(r);
  const bytes = writer.copy();
  assert.equal(bytes.length, total);
  const one = Buffer.from(encodeRecordJson(r));
  assert.ok(bytes.subarray(total - one.length).equals(one));
  assert.deepEqual(decodeRecordJson(bytes.subarray(0, one.length).toString('utf8')), r);
});

// approxRecordBytes stands in for JSON.stringify(record).length (batch.max_bytes in direct mode, the memory queue's
// max_bytes): close to it for ASCII text without escapes, and never built from a JSON string.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { AttributeValue, LogRecord } from '../component/log-record.js';
import { approxRecordBytes } from './record-size.js';

const text = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789 ,.:-_/'.split('')), maxLength: 200 });
const scalar: fc.Arbitrary<AttributeValue> = fc.oneof(text, fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.boolean(), fc.constant(null));
const value: fc.Arbitrary<AttributeValue> = fc.oneof(scalar, fc.array(scalar, { maxLength: 4 }), fc.dictionary(text.filter((k) => k.length > 0), scalar, { maxKeys: 4 }));
const nanos = fc.bigInt({ min: 0n, max: 2n ** 62n }).map(String);

const recordArb: fc.Arbitrary<LogRecord> = fc.record({
  timeUnixNano: nanos, observedTimeUnixNano: nanos, severityNumber: fc.integer({ min: 0, max: 24 }), severityText: fc.constantFrom('DEBUG', 'INFO', 'WARN', 'ERROR', ''),
  body: value, attributes: fc.dictionary(text.filter((k) => k.length > 0), value, { maxKeys: 6 }),
  recordId: fc.option(text, { nil: undefined }), bootId: fc.option(text, { nil: undefined }), flags: fc.option(fc.integer({ min: 0, max: 255 }), { nil: undefined }),
}, { requiredKeys: ['timeUnixNano', 'observedTimeUnixNano', 'severityNumber', 'severityText', 'body', 'attributes'] });

test('approxRecordBytes is within 15 % (+ 32 bytes) of the JSON length for ASCII records', () => {
  fc.assert(fc.property(recordArb, (r) => {
    const actual = JSON.stringify(r).length;
    const estimate = approxRecordBytes(r);
    return Math.abs(estimate - actual) <= actual * 0.15 + 32;
  }), { numRuns: 500 });
});

test('approxRecordBytes of a typical file_log record is close to its JSON length', () => {
  const r: LogRecord = {
    timeUnixNano: '1769092215123000000', observedTimeUnixNano: '1769092215130000000', severityNumber: 17, severityText: 'ERROR',
    body: 'Payment declined: card 4111…1111, amount 250 cents, reason 05', attributes: { component: 'payment', 'log.file.path': '/var/log/vending/app.log', 'log.iostream': 'stdout' },
    recordId: 'f00dfeed:123456', bootId: '5b1f0e7c-4a43-4f0e-9d55-7a3c0c6d2b1e',
  };
  const actual = JSON.stringify(r).length;
  assert.ok(Math.abs(approxRecordBytes(r) - actual) <= 8, `${approxRecordBytes(r)} vs ${actual}`);
});

test('approxRecordBytes stops walking deeply nested bodies', () => {
  let deep: AttributeValue = 'x';
  for (let i = 0; i < 10_000; i += 1) deep = [deep];
  assert.ok(approxRecordBytes({ timeUnixNano: '0', observedTimeUnixNano: '0', severityNumber: 0, severityText: '', body: deep, attributes: {} }) < 200);
});

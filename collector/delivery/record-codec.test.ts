import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LogRecord } from '../component/log-record.js';
import { decodeRecordJson, encodeRecordJson } from './record-codec.js';

const base: LogRecord = {
  timeUnixNano: '1769090400000000000', observedTimeUnixNano: '1769090400000000001', severityNumber: 17, severityText: 'ERROR',
  body: 'Authorization timeout', attributes: { component: 'payment', nested: { a: [1, 'x', null, true] } },
};

test('records round-trip with and without optional fields', () => {
  const cases: LogRecord[] = [
    base,
    { ...base, recordId: 'abc:12' },
    { ...base, eventName: 'door.open' },
    { ...base, recordId: 'r', bootId: 'b', traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', flags: 1, eventName: 'e' },
    { ...base, body: { structured: ['body', 1] } },
  ];
  for (const record of cases) assert.deepEqual(decodeRecordJson(encodeRecordJson(record)), record);
});

test('packing is smaller than the JSON object', () => {
  assert.ok(encodeRecordJson(base).length < JSON.stringify(base).length * 0.8);
});

test('JSON that is not a packed record is refused', () => {
  assert.throws(() => decodeRecordJson('{"a":1}'));
  assert.throws(() => decodeRecordJson('[1,2]'));
});

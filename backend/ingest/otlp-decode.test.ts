// OTLP decoding: the protobuf and JSON encodings of the same SDK records decode to the same LogBatches, and
// malformed protobuf only ever raises ProtobufError (never another exception, never a hang).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeOtlpLogsJson } from './otlp-json-decode.js';
import { decodeOtlpLogsProto } from './otlp-proto-decode.js';
import { ProtobufError } from './protobuf-reader.js';
import { otlpBodies } from '../testing/otlp-fixtures.js';

const TIME_MS = Date.parse('2026-11-20T10:00:00.123Z');

async function sample(): Promise<{ proto: Buffer; json: Buffer }> {
  return otlpBodies({ 'device.id': 'VM001', 'service.name': 'vend', 'host.cpus': 4 }, [
    {
      body: 'Payment declined', severityNumber: 17, severityText: 'ERROR', timeMs: TIME_MS, eventName: 'payment.declined',
      attributes: { component: 'payment', code: 51, ratio: 0.25, ok: false, tags: ['a', 'b'], nested: { depth: { n: 2 } }, big: 2 ** 40 },
    },
    { body: 'second', timeMs: TIME_MS + 1 },
  ]);
}

test('protobuf and JSON decode to the same records, with every value type', async () => {
  const { proto, json } = await sample();
  const fromProto = decodeOtlpLogsProto(proto);
  const fromJson = decodeOtlpLogsJson(json.toString('utf8'));
  assert.equal(fromProto.length, 1);
  const [batch] = fromProto;
  assert.equal(batch!.resource['device.id'], 'VM001');
  assert.equal(batch!.resource['host.cpus'], 4);
  const [first, second] = batch!.records;
  assert.equal(first!.timeUnixNano, `${TIME_MS}000000`);
  assert.equal(first!.severityNumber, 17);
  assert.equal(first!.severityText, 'ERROR');
  assert.equal(first!.body, 'Payment declined');
  assert.equal(first!.eventName, 'payment.declined');
  assert.deepEqual(first!.attributes, {
    component: 'payment', code: 51, ratio: 0.25, ok: false, tags: ['a', 'b'], nested: { depth: { n: 2 } }, big: 2 ** 40,
    'otel.scope.name': 'fixture', 'otel.scope.version': '1.0.0',
  });
  assert.equal(second!.body, 'second');
  assert.deepEqual(fromJson, fromProto);
});

test('every truncation of a valid body is refused with ProtobufError', async () => {
  const { proto } = await sample();
  for (let length = 1; length < proto.length; length += 1) {
    assert.throws(() => decodeOtlpLogsProto(proto.subarray(0, length)), ProtobufError, `length ${length}`);
  }
});

test('random bytes and random corruptions only ever raise ProtobufError', async () => {
  const { proto } = await sample();
  const onlyProtobufErrors = (bytes: Uint8Array): boolean => {
    try {
      decodeOtlpLogsProto(bytes);
      return true;
    } catch (error) {
      return error instanceof ProtobufError;
    }
  };
  fc.assert(fc.property(fc.uint8Array({ maxLength: 512 }), onlyProtobufErrors), { numRuns: 2000 });
  fc.assert(fc.property(fc.integer({ min: 0, max: proto.length - 1 }), fc.integer({ min: 0, max: 255 }), (at, value) => {
    const copy = Buffer.from(proto);
    copy[at] = value;
    return onlyProtobufErrors(copy);
  }), { numRuns: 2000 });
});

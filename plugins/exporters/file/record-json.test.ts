import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { msToUnixNano } from '../../../collector/component/index.js';
import { makeBatch } from '../../../collector/testkit/index.js';
import { isoOfUnixNano, recordToJsonLine } from './record-json.js';

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

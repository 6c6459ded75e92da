import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMemoryMeter } from '../testkit/nop-settings.js';
import { LogsSink } from '../testkit/logs-sink.js';
import { makeBatch } from '../testkit/make-batch.js';
import { ReceiverOutput } from './instrument.js';

test('receiver output stamps service.resource under the batch resource and the boot id on records without one', async () => {
  const sink = new LogsSink();
  const meter = createMemoryMeter();
  const output = new ReceiverOutput(sink, { 'device.id': 'VM-HOST', site: 'north' }, meter, 'boot-1');
  const batch = makeBatch(3, { 'device.id': 'VM-SOURCE' });
  batch.records[1]!.bootId = 'boot-from-source';
  await output.consume(batch);
  const [delivered] = sink.batches;
  assert.deepEqual(delivered!.resource, { 'device.id': 'VM-SOURCE', site: 'north' });
  assert.deepEqual(sink.records().map((r) => r.bootId), ['boot-1', 'boot-from-source', 'boot-1']);
  assert.equal(meter.values.get('fleetlog_receiver_accepted_records_total'), 3);
});

test('receiver output counts refused records and leaves boot ids alone without one', async () => {
  const sink = new LogsSink();
  sink.failNext(1);
  const meter = createMemoryMeter();
  const output = new ReceiverOutput(sink, {}, meter);
  const batch = makeBatch(2);
  await assert.rejects(output.consume(batch));
  assert.deepEqual(batch.records.map((r) => r.bootId), [undefined, undefined]);
  assert.equal(meter.values.get('fleetlog_receiver_refused_records_total'), 2);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isPermanentError, PermanentError } from '../component/errors.js';
import type { LogBatch } from '../component/log-record.js';
import { LogsSink } from '../testkit/logs-sink.js';
import { makeBatch } from '../testkit/make-batch.js';
import { FanOut } from './fan-out.js';

test('every target gets the batch; read-only ones share it, mutating ones get their own copy', async () => {
  const shared = new LogsSink();
  const mutating = new LogsSink();
  const batch = makeBatch(2);
  await new FanOut([{ consumer: shared, mutates: false }, { consumer: mutating, mutates: true }]).consume(batch);
  assert.equal(shared.batches[0], batch);
  assert.notEqual(mutating.batches[0], batch);
  assert.deepEqual(mutating.batches[0], batch);
});

test('a single target gets the batch itself, even when it mutates', async () => {
  const only = new LogsSink();
  const batch = makeBatch(1);
  await new FanOut([{ consumer: only, mutates: true }]).consume(batch);
  assert.equal(only.batches[0], batch);
});

test('a retryable failure wins over permanent ones; all permanent → PermanentError', async () => {
  const ok = new LogsSink();
  const retry = new LogsSink();
  const never = new LogsSink();
  retry.failNext(1, new Error('later'));
  never.failNext(2, new PermanentError('never'));
  const fan = new FanOut([{ consumer: ok, mutates: false }, { consumer: retry, mutates: false }, { consumer: never, mutates: false }]);
  await assert.rejects(fan.consume(makeBatch(1)), (e: Error) => e.message === 'later' && !isPermanentError(e));
  const neverAgain = new LogsSink();
  neverAgain.failNext(1, new PermanentError('no'));
  await assert.rejects(new FanOut([{ consumer: never, mutates: false }, { consumer: neverAgain, mutates: false }]).consume(makeBatch(1)),
    (e: Error) => isPermanentError(e) && /2 of 2 consumers refused/.test(e.message));
  assert.equal(ok.recordCount, 1);
});

test('a consumer that throws synchronously is a rejection, not a crash', async () => {
  const throwing = { consume: (_b: LogBatch): Promise<void> => { throw new Error('sync'); } };
  await assert.rejects(new FanOut([{ consumer: throwing, mutates: false }, { consumer: new LogsSink(), mutates: false }]).consume(makeBatch(1)), /sync/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OpQueue } from './op-queue.js';

test('one operation at a time; queued reads go before queued writes; errors release the queue', async () => {
  const queue = new OpQueue();
  const order: string[] = [];
  let running = 0;
  let maxRunning = 0;
  let releaseFirst!: () => void;
  const gate = new Promise<void>((r) => { releaseFirst = r; });
  const op = (name: string, wait?: Promise<void>) => async (): Promise<string> => {
    running += 1;
    maxRunning = Math.max(maxRunning, running);
    order.push(name);
    await wait;
    running -= 1;
    return name;
  };
  const first = queue.run('write', op('w1', gate));
  const w2 = queue.run('write', op('w2'));
  const w3 = queue.run('write', op('w3'));
  const r1 = queue.run('read', op('r1'));
  const failing = queue.run('read', async () => { throw new Error('boom'); });
  assert.equal(queue.waiting, 4);
  releaseFirst();
  assert.deepEqual(await Promise.all([first, w2, w3, r1]), ['w1', 'w2', 'w3', 'r1']);
  await assert.rejects(failing, /boom/);
  assert.deepEqual(order, ['w1', 'r1', 'w2', 'w3']);
  assert.equal(maxRunning, 1);
  assert.equal(await queue.run('read', op('after')), 'after');
});

test('a steady stream of reads does not starve a waiting write: it goes after at most maxReadsAhead reads', async () => {
  const queue = new OpQueue({ maxReadsAhead: 3 });
  const order: string[] = [];
  let reads = 0;
  let stop = false;
  // Every read queues the next one before it ends, so a read is always waiting.
  const read = (): Promise<void> => queue.run('read', async () => {
    reads += 1;
    order.push(`r${reads}`);
    if (!stop && reads < 100) void read();
    await Promise.resolve();
  });
  let releaseFirst!: () => void;
  const first = queue.run('write', () => new Promise<void>((r) => { releaseFirst = r; }));
  void read();
  const written = queue.run('write', async () => { order.push('w'); stop = true; });
  releaseFirst();
  await Promise.all([first, written]);
  assert.ok(order.indexOf('w') <= 3, order.join(' '));
  assert.ok(reads < 100, 'the write ran while reads were still coming');
});

// The batching policy, with an insert function that records what it is given (the engine is exercised by the
// store and HTTP tests).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../errors.js';
import type { LogRowInsert } from '../store/log-row.js';
import { InsertBatcher } from './insert-batcher.js';

const rows = (n: number): LogRowInsert[] => Array.from({ length: n }, () => ({}) as LogRowInsert);

test('≥ maxRows waiting → one insert at once, without waiting for the delay', async () => {
  const inserts: number[] = [];
  const batcher = new InsertBatcher(async (r) => { inserts.push(r.length); }, { maxRows: 5000, maxDelayMs: 60_000, maxPendingRows: 100_000 });
  const started = performance.now();
  await Promise.all([batcher.add(rows(2000)), batcher.add(rows(2000)), batcher.add(rows(2000))]);
  assert.ok(performance.now() - started < 5000);
  assert.deepEqual(inserts, [6000]);
  await batcher.close();
});

test('a small batch waits for the delay, measured from when it arrived', async () => {
  const inserts: number[] = [];
  const batcher = new InsertBatcher(async (r) => { inserts.push(r.length); }, { maxRows: 5000, maxDelayMs: 200, maxPendingRows: 100_000 });
  const started = performance.now();
  await Promise.all([batcher.add(rows(10)), batcher.add(rows(5))]);
  const waited = performance.now() - started;
  assert.ok(waited >= 190, `waited ${waited} ms`);
  assert.deepEqual(inserts, [15]);
  await batcher.close();
});

test('while an insert runs, the next one takes everything that arrived (up to 4 × maxRows)', async () => {
  const inserts: number[] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => { release = r; });
  const batcher = new InsertBatcher(async (r) => { inserts.push(r.length); if (inserts.length === 1) await gate; }, { maxRows: 1000, maxDelayMs: 60_000, maxPendingRows: 100_000, concurrency: 1 });
  const first = batcher.add(rows(1000));
  const rest = Array.from({ length: 6 }, () => batcher.add(rows(1000)));
  release();
  await Promise.all([first, ...rest]);
  assert.deepEqual(inserts, [1000, 4000, 2000]);
  await batcher.close();
});

test('too many rows waiting → 429 with Retry-After; an insert failure → 503 for every request in it', async () => {
  let fail = false;
  let release!: () => void;
  const gate = new Promise<void>((r) => { release = r; });
  const batcher = new InsertBatcher(async () => { await gate; if (fail) throw new Error('engine down'); }, { maxRows: 10, maxDelayMs: 10, maxPendingRows: 25 });
  const a = batcher.add(rows(20));
  await assert.rejects(batcher.add(rows(10)), (e: unknown) => e instanceof ApiError && e.status === 429 && e.retryAfterSeconds === 1);
  assert.equal(batcher.stats.refusedRows, 10);
  release();
  await a;
  fail = true;
  const [x, y] = [batcher.add(rows(5)), batcher.add(rows(5))];
  for (const p of [x, y]) await assert.rejects(p, (e: unknown) => e instanceof ApiError && e.status === 503 && /engine down/.test(e.message));
  assert.equal(batcher.stats.failedInserts, 1);
  await batcher.close();
  await assert.rejects(batcher.add(rows(1)), { code: 'FLEETLOG_ERR_BACKPRESSURE' });
});

test('close() stores what is waiting before it resolves', async () => {
  const inserts: number[] = [];
  const batcher = new InsertBatcher(async (r) => { inserts.push(r.length); }, { maxRows: 5000, maxDelayMs: 60_000, maxPendingRows: 100_000 });
  const pending = batcher.add(rows(7));
  await batcher.close();
  await pending;
  assert.deepEqual(inserts, [7]);
});

test('data the store refuses fails only the request that carried it (400); the others of the insert are stored', async () => {
  const stored: string[] = [];
  const insert = async (rs: readonly LogRowInsert[]): Promise<void> => {
    if (rs.some((r) => r.body === 'poison')) throw new Error('Code: 25. DB::Exception: Cannot parse escape sequence. (CANNOT_PARSE_ESCAPE_SEQUENCE)');
    for (const r of rs) stored.push(r.body);
  };
  const batcher = new InsertBatcher(insert, { maxRows: 3, maxDelayMs: 60_000, maxPendingRows: 100 });
  const row = (body: string): LogRowInsert => ({ body }) as LogRowInsert;
  const results = await Promise.allSettled([batcher.add([row('a')]), batcher.add([row('poison')]), batcher.add([row('c')])]);
  assert.equal(results[0]!.status, 'fulfilled');
  assert.equal(results[2]!.status, 'fulfilled');
  const refused = results[1] as PromiseRejectedResult;
  assert.ok(refused.reason instanceof ApiError && refused.reason.status === 400 && /refused these records/.test(refused.reason.message));
  assert.deepEqual(stored.sort(), ['a', 'c']);
  await batcher.close();
});

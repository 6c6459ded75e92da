import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DeadLetters } from '../delivery/dead-letters.js';
import { DiskQueue } from '../delivery/disk-queue.js';
import { inspectQueue } from '../delivery/queue-inspect.js';
import { queueDirectoryFor } from '../delivery/queue-paths.js';
import { batchOf, withTempDir } from '../delivery/test-support.js';
import { runMain, type CommandRun } from '../../test/e2e/fleetlog-cli.js';

const PLUGIN = `
const schema = { type: 'object', additionalProperties: false, properties: {} };
export default [
  { kind: 'receiver', type: 'null_in', stability: 'development', configSchema: schema, create: () => ({ start: async () => {}, shutdown: async () => {} }) },
  { kind: 'exporter', type: 'null_out', stability: 'development', configSchema: schema, create: () => ({ start: async () => {}, shutdown: async () => {}, send: async () => ({ outcome: 'ok' }) }) },
];
`;

const CONFIG = `
plugins: [./null-plugin.mjs]
receivers:
  null_in:
exporters:
  null_out/cloud:
    queue: { fsync: always }
service:
  storage: { directory: ./state }
  pipelines:
    logs: { receivers: [null_in], exporters: [null_out/cloud] }
`;

const run = (args: string[], cwd: string): Promise<CommandRun<number>> => runMain(args, { cwd });

test('queue inspect shows queued records, dead letters and the lock state; replay re-queues dead letters', () => withTempDir(async (dir) => {
  await writeFile(join(dir, 'null-plugin.mjs'), PLUGIN);
  await writeFile(join(dir, 'site.yaml'), CONFIG);
  const queueDir = queueDirectoryFor(join(dir, 'state'), 'null_out/cloud');
  await mkdir(queueDir, { recursive: true });
  const q = new DiskQueue({ directory: queueDir, maxBytes: 1 << 24, minFreeBytes: 0, segmentBytes: 1 << 20, fsync: 'batch', fsyncIntervalMs: 1000, fullPolicy: 'block', fullWaitMs: 1000 });
  await q.open();
  await q.append(batchOf(0, 12));
  const running = await run(['queue', 'inspect', '--config', 'site.yaml'], dir);
  assert.match(running.stdout, /running \(pid \d+\)/);
  await q.close();
  // The lock names a live process that is not this one: the files are handed to it through the replay inbox.
  await new DeadLetters(queueDir, 'null_out/cloud').write([batchOf(200, 2)], '400 bad', 2);
  const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
  try {
    await writeFile(join(queueDir, 'queue.lock'), `${other.pid}\n`);
    const handed = await run(['queue', 'replay-dead-letters', '--config', 'site.yaml', '--exporter', 'null_out/cloud'], dir);
    assert.equal(handed.code, 0, handed.stderr);
    assert.match(handed.stdout, /Handed 1 dead-letter file of null_out\/cloud to the running collector \(pid \d+\)/);
    assert.equal((await readdir(join(queueDir, 'replay-inbox'))).length, 1);
  } finally {
    other.kill('SIGKILL');
    await rm(join(queueDir, 'queue.lock'), { force: true });
  }
  await new DeadLetters(queueDir, 'null_out/cloud').write([batchOf(100, 3)], '400 bad', 1);

  const inspected = await run(['queue', 'inspect', '--config', 'site.yaml'], dir);
  assert.equal(inspected.code, 0, inspected.stderr);
  assert.match(inspected.stdout, /^null_out\/cloud$/m);
  assert.match(inspected.stdout, /queued: +12 records/);
  assert.match(inspected.stdout, /dead letters: +3 records in 1 file/);
  assert.match(inspected.stdout, /oldest unsent: +\d+s ago/);
  assert.match(inspected.stdout, /not running/);
  assert.match(inspected.stdout, /replay inbox: +1 file\(s\) handed to the collector/);

  const json = await run(['queue', 'inspect', '--config', 'site.yaml', '--json', '--exporter', 'null_out/cloud'], dir);
  const parsed = JSON.parse(json.stdout) as { exporter: string; queuedRecords: number; deadLetterRecords: number };
  assert.deepEqual([parsed.exporter, parsed.queuedRecords, parsed.deadLetterRecords], ['null_out/cloud', 12, 3]);

  const replay = await run(['queue', 'replay-dead-letters', '--config', 'site.yaml', '--exporter', 'null_out/cloud'], dir);
  assert.equal(replay.code, 0, replay.stderr);
  assert.match(replay.stdout, /Re-queued 5 records from 2 dead-letter files/);
  const after = await inspectQueue(queueDir);
  assert.equal(after.queuedRecords, 17);
  assert.equal(after.deadLetterRecords, 0);
  assert.deepEqual((await readdir(join(queueDir, 'dead-letters'))).filter((n) => n.endsWith('.ndjson')), []);
}));

test('queue commands report usage errors and unknown exporters', () => withTempDir(async (dir) => {
  await writeFile(join(dir, 'null-plugin.mjs'), PLUGIN);
  await writeFile(join(dir, 'site.yaml'), CONFIG);
  assert.equal((await run(['queue', 'inspect'], dir)).code, 2);
  assert.equal((await run(['queue', 'replay-dead-letters', '--config', 'site.yaml'], dir)).code, 2);
  const unknown = await run(['queue', 'inspect', '--config', 'site.yaml', '--exporter', 'nope'], dir);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /known: null_out\/cloud/);
}));

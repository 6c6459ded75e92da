// The shared suite must be able to fail: run it on a plugin that breaks each rule and check which tests fail.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, test } from 'node:test';

const root = join(import.meta.dirname, '..', '..');
const temp = mkdtempSync(join(tmpdir(), 'fleetlog-contract-'));
after(() => rmSync(temp, { recursive: true, force: true }));

test('the contract suite fails a plugin that breaks its rules, test by test', () => {
  const folder = join(temp, 'plugins', 'exporters', 'sloppy');
  mkdirSync(folder, { recursive: true });
  const testkit = pathToFileURL(join(root, 'collector', 'testkit', 'index.ts')).href;
  writeFileSync(join(folder, 'sloppy.test.mjs'), `
import { describeComponentContract } from '${testkit}';
let stopped = false;
const sloppy = {
  kind: 'processor', type: 'sloppy', stability: 'development',
  configSchema: { type: 'object', properties: { level: { type: 'string', default: 'info' } } },
  create: (settings, config, next) => ({
    mutatesData: false,
    start: async () => {},
    shutdown: async () => { if (stopped) throw new Error('second shutdown'); stopped = true; },
    consume: async (batch) => { batch.records.pop(); },
  }),
};
describeComponentContract(sloppy, { config: {}, folder: import.meta.dirname });
`);
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=tap', join(folder, 'sloppy.test.mjs')], { cwd: root, env, encoding: 'utf8', timeout: 60_000 });
  const failed = [...result.stdout.matchAll(/^\s*not ok \d+ - (.*)$/gm)].map((m) => m[1]).filter((name) => !name!.includes('component contract'));
  assert.deepEqual(failed, [
    'type is lower_snake_case and matches the plugin folder',
    "schema compiles under the host's ajv rules; every object closed, every option described",
    'a misspelt key is rejected and named',
    'shutdown() without start() and twice is safe',
    'start → consume/send → shutdown delivers',
  ], result.stdout);
  assert.notEqual(result.status, 0);
});

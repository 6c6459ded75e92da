// `npm run build` (tsc -p tsconfig.build.json) yields a dist/ that runs without tsx or any .ts file: built into a
// temporary tree that holds only bin/, package.json, node_modules (linked) and dist/, so a fallback to the sources
// would fail. The type check of `npm test` covers the same files with the same options, but not that the output
// runs (runtime file paths, the emitted import specifiers, bin/fleetlog.js choosing dist/).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, test } from 'node:test';
import { startCollectorProcess, type CollectorProcess } from '../../demo/collector-process.js';

const repo = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'fleetlog-built-'));
const tree = join(dir, 'tree');
let collector: CollectorProcess | undefined;
after(async () => {
  await collector?.stop(5_000);
  rmSync(dir, { recursive: true, force: true });
});

function fleetlog(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(tree, 'bin', 'fleetlog.js'), ...args], {
    cwd: dir, env: { ...process.env, FLEETLOG_FROM_SOURCE: '' }, encoding: 'utf8', timeout: 30_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('the build compiles, and the built fleetlog runs its commands and a collector from dist/ alone', async () => {
  mkdirSync(join(tree, 'bin'), { recursive: true });
  copyFileSync(join(repo, 'bin', 'fleetlog.js'), join(tree, 'bin', 'fleetlog.js'));
  copyFileSync(join(repo, 'package.json'), join(tree, 'package.json'));
  symlinkSync(join(repo, 'node_modules'), join(tree, 'node_modules'));
  const built = spawnSync(process.execPath, [join(repo, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(repo, 'tsconfig.build.json'), '--outDir', join(tree, 'dist')], { encoding: 'utf8', timeout: 50_000 });
  assert.equal(built.status, 0, `tsc -p tsconfig.build.json failed:\n${built.stdout}${built.stderr}`);
  assert.ok(existsSync(join(tree, 'dist', 'collector', 'cli', 'main.js')));

  const version = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { version: string };
  assert.equal(fleetlog('--version').stdout.trim(), `fleetlog ${version.version}`);
  const help = fleetlog('--help');
  assert.equal(help.status, 0, help.stderr);
  assert.match(help.stdout, /collector\s+Run the collector/);
  for (const command of ['backend', 'demo', 'validate', 'queue inspect']) {
    const r = fleetlog(...command.split(' '), '--help');
    assert.equal(r.status, 0, `${command} --help: ${r.stderr}`);
    assert.match(r.stdout, /Usage/i, command);
  }

  // `fleetlog demo` starts its collectors through the package's bin script, found from dist/demo/ as well.
  const builtDemo = await import(pathToFileURL(join(tree, 'dist', 'demo', 'collector-process.js')).href) as { FLEETLOG_BIN: string };
  assert.equal(builtDemo.FLEETLOG_BIN, join(tree, 'bin', 'fleetlog.js'));

  const input = join(dir, 'in.log');
  const output = join(dir, 'out.jsonl');
  const config = join(dir, 'collector.yaml');
  writeFileSync(input, '');
  writeFileSync(config, `
receivers:
  file_log: { include: [${input}], parser: python, time_zone: utc, start_at: beginning }
exporters:
  file: { path: ${output} }
service:
  storage: { directory: ${join(dir, 'data')} }
  pipelines:
    logs: { receivers: [file_log], exporters: [file] }
`);
  const validate = fleetlog('validate', '--config', config);
  assert.equal(validate.status, 0, validate.stderr);

  collector = startCollectorProcess({ configFile: config, cwd: dir, entry: join(tree, 'bin', 'fleetlog.js'), env: { FLEETLOG_FROM_SOURCE: '' } });
  await collector.started(30_000);
  const LINES = 500;
  let text = '';
  for (let i = 0; i < LINES; i += 1) text += `2026-01-22 14:00:00,${String(i % 1000).padStart(3, '0')} - motor - WARNING - built line ${i}\n`;
  appendFileSync(input, text);
  const deadline = Date.now() + 20_000;
  const lines = (): string[] => (existsSync(output) ? readFileSync(output, 'utf8').split('\n').filter((l) => l !== '') : []);
  while (lines().length < LINES && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  const got = lines();
  assert.equal(got.length, LINES, collector.output().slice(-2000));
  assert.match(got[LINES - 1]!, new RegExp(`built line ${LINES - 1}"`));
  assert.equal(await collector.stop(10_000), 0, collector.output().slice(-2000));
});

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, test } from 'node:test';
import { parse } from 'yaml';
import { createAjv } from '../config/ajv.js';
import { renderConfigSchema } from '../config/config-schema.js';
import { loadYamlFile } from '../config/yaml-source.js';
import { createRegistry } from '../registry/registry.js';
import { configKindOf } from './config-kind.js';
import { runMain, type CommandRun } from '../../test/e2e/fleetlog-cli.js';

const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'bin', 'fleetlog.js');
const temp = mkdtempSync(join(tmpdir(), 'fleetlog-cli-'));
after(() => rmSync(temp, { recursive: true, force: true }));

const run = (argv: string[], env: NodeJS.ProcessEnv = {}): Promise<CommandRun<number>> => runMain(argv, { cwd: root, env });

function spawnFleetlog(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [bin, ...args], { cwd: root, env: { ...process.env, FLEETLOG_FROM_SOURCE: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
  child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, output: () => ({ stdout, stderr }) };
}

function configFiles(folder: string, skip = 'invalid'): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((e) => {
    const path = join(folder, e.name);
    if (e.isDirectory()) return e.name === skip ? [] : configFiles(path, skip);
    return /\.ya?ml$/.test(e.name) ? [relative(root, path)] : [];
  }).sort();
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

test('npx fleetlog validate: max_byts under an exporter exits 1 naming the file, line:col and the key', async () => {
  const { exited, output } = spawnFleetlog(['validate', '--config', 'configs/invalid/typo-max-bytes.yaml']);
  assert.equal(await exited, 1);
  const { stderr } = output();
  assert.match(stderr, /^configs\/invalid\/typo-max-bytes\.yaml:9:5 exporters\.file\.max_byts: unknown key 'max_byts'; did you mean 'max_bytes'\? \[FLEETLOG_ERR_CONFIG_UNKNOWN_KEY\]$/m);
});

test('validate: a file with three independent mistakes prints three errors', async () => {
  const { code, stderr } = await run(['validate', '--config', 'configs/invalid/three-mistakes.yaml']);
  assert.equal(code, 1);
  const lines = stderr.split('\n').filter((l) => /^configs\/invalid\/three-mistakes\.yaml:\d+:\d+ /.test(l));
  assert.equal(lines.length, 3, stderr);
  assert.deepEqual(lines.map((l) => /:(\d+):\d+ /.exec(l)![1]), ['5', '10', '16']);
  assert.match(stderr, /invalid — 3 errors/);
});

// The Pi examples (configs/pi-*.yaml) take their per-machine values from the environment, without defaults; in
// configs/ the example `.env` beside them gives those, so `fleetlog validate` passes there with no variables set.
const EXAMPLE_SITE_ENV = { MACHINE_ID: 'VM001', CAMERA_ID: 'cam-0001', FLEETLOG_ENDPOINT: 'https://logs.example.com', FLEETLOG_API_KEY: 'flk_example' };

test('validate exits 0 for every config in configs/, as checked out (the example .env, no variables set)', async () => {
  const files = configFiles(join(root, 'configs'));
  assert.ok(files.includes('configs/local-demo.yaml'));
  assert.equal(configKindOf(parse(readFileSync(join(root, 'configs/local-demo.yaml'), 'utf8'))), 'collector');
  for (const file of files) {
    const { code, stdout, stderr } = await run(['validate', '--config', file]);
    assert.equal(code, 0, `${file}:\n${stderr}`);
    assert.match(stdout, /: valid/);
  }
});

test('validate: warnings are printed but do not fail; usage errors exit 2', async () => {
  const dir = mkdtempSync(join(temp, 'warn-'));
  const file = join(dir, 'c.yaml');
  appendFileSync(file, [
    'receivers: { file_log: { include: [x.log] }, file_log/spare: { include: [y.log] } }',
    'exporters: { debug: }',
    'service: { pipelines: { logs: { receivers: [file_log], exporters: [debug] } } }',
  ].join('\n'));
  const { code, stdout, stderr } = await run(['validate', '--config', file]);
  assert.equal(code, 0, stderr);
  assert.match(stderr, /receivers\.file_log\/spare: warning: receiver 'file_log\/spare' is declared but no pipeline uses it/);
  assert.match(stdout, /valid \(1 warning\)/);
  assert.equal((await run(['validate'])).code, 2);
  assert.equal((await run(['validate', '--confg', 'x'])).code, 2);
  const version = await run(['--version']);
  assert.equal(version.code, 0);
  assert.match(version.stdout, /^fleetlog \d+\.\d+\.\d+\n$/);
  for (const command of ['validate', 'collector', 'schema']) {
    const help = await run([command, '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, new RegExp(`^Usage: fleetlog ${command}`));
  }
});

test('docs/config.schema.json is current (regenerate with npm run schema)', async () => {
  const { code, stdout } = await run(['schema']);
  assert.equal(code, 0);
  assert.equal(stdout, renderConfigSchema(createRegistry()));
  assert.equal(readFileSync(join(root, 'docs', 'config.schema.json'), 'utf8'), stdout, 'docs/config.schema.json is stale: run `npm run schema`');
});

test('the schema validates every collector config in configs/ and rejects the typo and three-mistakes files', () => {
  const validate = createAjv().compile(JSON.parse(readFileSync(join(root, 'docs', 'config.schema.json'), 'utf8')) as Record<string, unknown>);
  for (const file of configFiles(join(root, 'configs'))) {
    const value = loadYamlFile(join(root, file), { env: EXAMPLE_SITE_ENV }).value;
    if (configKindOf(value) === 'backend') continue;
    assert.equal(validate(value), true, `${file}: ${JSON.stringify(validate.errors)}`);
  }
  const typo = parse(readFileSync(join(root, 'configs/invalid/typo-max-bytes.yaml'), 'utf8')) as unknown;
  assert.equal(validate(typo), false);
  assert.ok(validate.errors!.some((e) => e.keyword === 'additionalProperties' && (e.params as { additionalProperty?: string }).additionalProperty === 'max_byts'));
  assert.equal(validate(parse(readFileSync(join(root, 'configs/invalid/three-mistakes.yaml'), 'utf8'))), false);
});

test('collector exits 1 without starting when the config is invalid', async () => {
  const { code, stderr } = await run(['collector', '--config', 'configs/invalid/typo-max-bytes.yaml']);
  assert.equal(code, 1);
  assert.match(stderr, /max_byts/);
  assert.match(stderr, /not starting \[FLEETLOG_ERR_CONFIG_INVALID\]/);
});

test('configs/local-demo.yaml runs: lines reach the file exporter, SIGTERM exits 0 within 5 s, a restart resumes without re-emitting', async () => {
  const dir = mkdtempSync(join(temp, 'demo-'));
  const env = { FLEETLOG_LOG_DIR: join(dir, 'logs'), FLEETLOG_OUT_DIR: join(dir, 'out'), FLEETLOG_DATA_DIR: join(dir, 'data'), FLEETLOG_DEVICE_ID: 'vm-test-7' };
  mkdirSync(env.FLEETLOG_LOG_DIR);
  const log = join(env.FLEETLOG_LOG_DIR, 'app.log');
  const output = join(env.FLEETLOG_OUT_DIR, 'logs.jsonl');
  const outputLines = (): string[] => (existsSync(output) ? readFileSync(output, 'utf8').split('\n').filter(Boolean) : []);
  appendFileSync(log, '2026-01-22 14:30:15,123 - payment - ERROR - Card declined\n{"level":"WARN","component":"door","message":"Door open"}\n');

  const first = spawnFleetlog(['collector', '--config', 'configs/local-demo.yaml'], env);
  await waitFor(() => outputLines().length === 2, 'the first two lines in the output');
  const records = outputLines().map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(records.map((r) => [r.level, r.component, r.message, r.machine_id]), [
    ['ERROR', 'payment', 'Card declined', 'vm-test-7'],
    ['WARN', 'door', 'Door open', 'vm-test-7'],
  ]);
  const stopAt = Date.now();
  first.child.kill('SIGTERM');
  assert.equal(await first.exited, 0, first.output().stderr);
  assert.ok(Date.now() - stopAt < 5_000, `took ${Date.now() - stopAt} ms to stop`);
  const ownLogs = first.output().stderr.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { msg: string });
  const messages = ownLogs.map((l) => l.msg);
  assert.ok(messages.indexOf('Collector started.') >= 0 && messages.indexOf('Collector started.') < messages.indexOf('Collector stopped.'), messages.join(' | '));
  assert.match(first.output().stdout, /2 records/);

  appendFileSync(log, '2026-01-22 14:31:00,000 - motor - INFO - Motor started\n');
  const second = spawnFleetlog(['collector', '--config', 'configs/local-demo.yaml'], env);
  await waitFor(() => outputLines().length >= 3, 'the appended line after the restart');
  second.child.kill('SIGTERM');
  assert.equal(await second.exited, 0, second.output().stderr);
  assert.deepEqual(outputLines().map((l) => (JSON.parse(l) as { message: string }).message), ['Card declined', 'Door open', 'Motor started']);
});

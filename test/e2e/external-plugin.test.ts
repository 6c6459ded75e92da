// A plugin written outside the repository, exactly as docs/plugin-guide.md prints it: its own test (with the
// testkit) passes, `plugins: ["./my-plugin.mjs"]` loads it, its schema validates its options, and it runs in a
// pipeline between the built-in file_log receiver and file exporter.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { startCollectorProcess } from '../../demo/collector-process.js';
import { runMain, type CommandRun } from './fleetlog-cli.js';

const root = join(import.meta.dirname, '..', '..');
const guide = readFileSync(join(root, 'docs', 'plugin-guide.md'), 'utf8');
const folder = mkdtempSync(join(tmpdir(), 'fleetlog-external-plugin-'));
after(() => rmSync(folder, { recursive: true, force: true }));

/** The code block under `<!-- file: NAME -->` in the guide. */
function block(name: string): string {
  const match = new RegExp(`<!-- file: ${name.replace('.', '\\.')} -->\\n\`\`\`\\w+\\n([\\s\\S]*?)\`\`\``).exec(guide);
  assert.ok(match, `docs/plugin-guide.md has no block for ${name}`);
  return match[1]!;
}

writeFileSync(join(folder, 'my-plugin.mjs'), block('my-plugin.mjs'));
writeFileSync(join(folder, 'site.yaml'), block('site.yaml'));
writeFileSync(join(folder, 'my-plugin.test.mjs'), block('my-plugin.test.mjs'));
// The guide's test imports the installed package `fleetlog/testkit`: here the package is this checkout, linked in as
// an npm install of a git checkout would put it, and resolved through package.json's `exports` (`source` condition).
mkdirSync(join(folder, 'node_modules'));
symlinkSync(root, join(folder, 'node_modules', 'fleetlog'), 'dir');

const run = (argv: string[]): Promise<CommandRun<number>> => runMain(argv, { cwd: folder });

test('the plugin folder is outside the repository', () => {
  assert.ok(!folder.startsWith(root));
});

test('the guide\'s own plugin test (testkit contract suite + its tests) passes', () => {
  // A nested `node --test` reports to its parent runner when NODE_TEST_CONTEXT is set; this one reports to us.
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  const result = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', '--test', '--test-reporter=tap', join(folder, 'my-plugin.test.mjs')], { cwd: root, env, encoding: 'utf8', timeout: 60_000 });
  assert.equal(result.status, 0, `${result.stdout}\n${result.stderr}`);
  assert.match(result.stdout, /# pass 8\b/);
  assert.match(result.stdout, /# fail 0\b/);
});

test('validate: the plugin\'s schema checks its options, reported like a built-in\'s', async () => {
  const good = await run(['validate', '--config', 'site.yaml']);
  assert.equal(good.code, 0, good.stderr);
  writeFileSync(join(folder, 'typo.yaml'), block('site.yaml').replace('keep_last: 4', 'keep_lst: 4'));
  const typo = await run(['validate', '--config', 'typo.yaml']);
  assert.equal(typo.code, 1);
  const promised = /^site\.yaml(:\d+:\d+ processors\.redact_card\.keep_lst: .*)$/m.exec(guide);
  assert.ok(promised, 'the guide shows the typo message');
  assert.match(typo.stderr, new RegExp(`^typo\\.yaml${promised[1]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
  writeFileSync(join(folder, 'range.yaml'), block('site.yaml').replace('keep_last: 4', 'keep_last: 9'));
  const range = await run(['validate', '--config', 'range.yaml']);
  assert.equal(range.code, 1);
  assert.match(range.stderr, /processors\.redact_card\.keep_last: must be <= 6/);
});

test('schema --config includes the external plugin', async () => {
  const { code, stdout } = await run(['schema', '--config', 'site.yaml']);
  assert.equal(code, 0);
  const schema = JSON.parse(stdout) as { definitions: Record<string, { description: string }> };
  assert.match(schema.definitions['processor.redact_card']!.description, /Masks card numbers/);
});

test('collector runs the external processor in a pipeline and exits 0 on SIGTERM', async () => {
  mkdirSync(join(folder, 'logs'), { recursive: true });
  appendFileSync(join(folder, 'logs', 'app.log'), [
    '2026-01-22 14:30:15,123 - payment - ERROR - Card 4111 1111 1111 1111 declined',
    '2026-01-22 14:30:16,000 - motor - INFO - Motor started',
    '',
  ].join('\n'));
  const collector = startCollectorProcess({ configFile: 'site.yaml', cwd: folder, env: { FLEETLOG_FROM_SOURCE: '1' } });
  const output = join(folder, 'out', 'logs.jsonl');
  const lines = (): string[] => (existsSync(output) ? readFileSync(output, 'utf8').split('\n').filter(Boolean) : []);
  const deadline = Date.now() + 20_000;
  while (lines().length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
  assert.equal(await collector.stop(), 0, collector.output());
  assert.deepEqual(lines().map((l) => (JSON.parse(l) as { message: string }).message), ['Card ************1111 declined', 'Motor started']);
});

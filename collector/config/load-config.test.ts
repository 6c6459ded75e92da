import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createRegistry } from '../registry/registry.js';
import { formatIssue, type ConfigIssue } from './issue.js';
import { loadConfig } from './load-config.js';
import { TEST_FACTORIES } from './test-factories.js';

const here = import.meta.dirname;
const temp = mkdtempSync(join(tmpdir(), 'fleetlog-config-'));
after(() => rmSync(temp, { recursive: true, force: true }));

const load = (file: string, env: Record<string, string> = {}) =>
  loadConfig(file, { env, registry: createRegistry(TEST_FACTORIES), cwd: temp });

function writeConfig(name: string, text: string): string {
  const file = join(temp, name);
  writeFileSync(file, text);
  return file;
}

const errors = (issues: readonly ConfigIssue[]) => issues.filter((i) => i.severity === 'error');

test('a valid config loads frozen, with defaults, env values and only used components', async () => {
  const { config, issues } = await load(join(here, 'testdata/valid.yaml'), { OUT_DIR: '/var/out', TEST_PORT: '5000' });
  assert.deepEqual(errors(issues), []);
  assert.ok(config);
  assert.deepEqual(Object.keys(config.receivers), ['test_in', 'test_in/second']);
  assert.equal(config.receivers.test_in!.config.port, 5000, 'a whole unquoted ${env:} reference keeps its YAML type');
  assert.equal(config.exporters.test_out!.config.path, '/var/out/out.jsonl');
  assert.equal(config.exporters.test_out!.config.max_bytes, 10_485_760);
  assert.deepEqual((config.exporters['test_out/debug']!.config.queue as { max_bytes: unknown }).max_bytes, '64MiB');
  assert.equal((config.exporters.test_out!.config.retry as { max_interval: unknown }).max_interval, 300_000);
  assert.deepEqual(config.resource, { 'device.id': 'vm-0042', site: 'lab' });
  assert.deepEqual(config.pipelines.map((p) => [p.name, p.processors]), [['logs', ['test_filter']], ['logs/debug', []]]);
  assert.equal(config.storageDirectory, join(temp, 'data'));
  assert.equal(config.shutdownTimeoutMs, 5_000);
  assert.deepEqual(config.heartbeat, { enabled: true, intervalMs: 300_000 });
  assert.equal(config.telemetry.logs.level, 'info');
  assert.ok(Object.isFrozen(config) && Object.isFrozen(config.exporters.test_out!.config) && Object.isFrozen(config.pipelines[0]!.receivers));
  assert.throws(() => { (config.exporters.test_out!.config as Record<string, unknown>).path = 'x'; }, TypeError);
});

test('max_byts under an exporter: file, line, column of the key, and the suggestion', async () => {
  const file = join(here, 'testdata/typo.yaml');
  const { config, issues } = await load(file);
  assert.equal(config, undefined);
  assert.equal(issues.length, 1);
  assert.equal(formatIssue(issues[0]!), `${file}:6:5 exporters.test_out.max_byts: unknown key 'max_byts'; did you mean 'max_bytes'? [FLEETLOG_ERR_CONFIG_UNKNOWN_KEY]`);
});

test('three independent mistakes give three errors, each at its own line', async () => {
  const file = join(here, 'testdata/three-mistakes.yaml');
  const { issues } = await load(file);
  const lines = errors(issues).map((i) => `${i.position?.line}:${i.position?.col} ${i.code} ${i.message}`);
  assert.deepEqual(lines, [
    '3:5 FLEETLOG_ERR_CONFIG_TYPE must be an integer, not "not a port"',
    '7:3 FLEETLOG_ERR_CONFIG_UNKNOWN_TYPE unknown exporter type \'tset_out\'; did you mean \'test_out\'? (known exporter types: test_out; add others with plugins:)',
    '13:29 FLEETLOG_ERR_CONFIG_UNDECLARED exporter \'test_out/missing\' is not declared under exporters (declared exporters: test_out, tset_out/b)',
  ]);
  assert.deepEqual(issues.filter((i) => i.severity === 'warning').map((i) => i.code), ['FLEETLOG_ERR_CONFIG_UNUSED']);
});

test('a missing env var without default is an error at its value; .env beside the config fills in; the process env wins', async () => {
  const dir = mkdtempSync(join(temp, 'env-'));
  const text = [
    'receivers: { test_in: { host: "${env:HOST}" } }',
    'exporters:',
    '  test_out:',
    '    path: ${env:NOPE}',
    'service: { pipelines: { logs: { receivers: [test_in], exporters: [test_out] } } }',
  ].join('\n');
  const file = join(dir, 'c.yaml');
  writeFileSync(file, text);
  const missing = await load(file, { HOST: 'h' });
  assert.deepEqual(missing.issues.map((i) => formatIssue(i)), [
    `${file}:4:11 exporters.test_out.path: environment variable NOPE is not set and has no default (write \${env:NOPE:-default} to give one) [FLEETLOG_ERR_CONFIG_ENV]`,
  ]);
  writeFileSync(join(dir, '.env'), '# local\nexport NOPE="/from/dotenv"\nHOST=from-dotenv\n');
  const filled = await load(file, { HOST: 'from-process' });
  assert.deepEqual(errors(filled.issues), []);
  assert.equal(filled.config!.exporters.test_out!.config.path, '/from/dotenv');
  assert.equal(filled.config!.receivers.test_in!.config.host, 'from-process');
});

test('$${env:X} is a literal; a malformed reference is an error', async () => {
  const file = writeConfig('literal.yaml', [
    'receivers: { test_in: { host: "$${env:KEEP}" } }',
    'exporters: { test_out: { path: "${HOME}/x" } }',
    'service: { pipelines: { logs: { receivers: [test_in], exporters: [test_out] } } }',
  ].join('\n'));
  const { issues } = await load(file);
  assert.equal(issues.length, 1);
  assert.match(issues[0]!.message, /\$\{HOME\} is not an environment reference/);
  const ok = writeConfig('literal-ok.yaml', [
    'receivers: { test_in: { host: "$${env:KEEP}" } }',
    'exporters: { test_out: { path: "/x" } }',
    'service: { pipelines: { logs: { receivers: [test_in], exporters: [test_out] } } }',
  ].join('\n'));
  const loaded = await load(ok);
  assert.equal(loaded.config!.receivers.test_in!.config.host, '${env:KEEP}');
});

test('two receivers on one port and two exporters on one file are conflicts naming both', async () => {
  const file = writeConfig('conflict.yaml', [
    'receivers:',
    '  test_in/a: { port: 9000 }',
    '  test_in/b: { port: 9000 }',
    'exporters:',
    '  test_out/a: { path: /tmp/same }',
    '  test_out/b: { path: /tmp/same }',
    'service: { pipelines: { logs: { receivers: [test_in/a, test_in/b], exporters: [test_out/a, test_out/b] } } }',
  ].join('\n'));
  const { issues } = await load(file);
  assert.deepEqual(errors(issues).map((i) => `${i.position?.line} ${i.code} ${i.message}`), [
    '3 FLEETLOG_ERR_CONFIG_CONFLICT \'test_in/b\' and \'test_in/a\' both use tcp:127.0.0.1:9000',
    '6 FLEETLOG_ERR_CONFIG_CONFLICT \'test_out/b\' and \'test_out/a\' both use file:/tmp/same',
  ]);
});

test('a factory rule is placed at the key it names; a top-level typo is suggested; wrong enum suggested', async () => {
  const file = writeConfig('rules.yaml', [
    'receivers: { test_in: }',
    'exporters:',
    '  test_out:',
    '    path: /tmp/x',
    '    max_bytes: 100',
    '    level: warning',
    'service:',
    '  pipelines: { logs: { receivers: [test_in], exporters: [test_out] } }',
    '  telemtry: {}',
  ].join('\n'));
  const { issues } = await load(file);
  assert.deepEqual(errors(issues).map((i) => formatIssue(i).replace(`${file}:`, '')), [
    '6:5 exporters.test_out.level: "warning" is not one of "debug", "info", "warn", "error"; did you mean \'warn\'? [FLEETLOG_ERR_CONFIG_TYPE]',
    '9:3 service.telemtry: unknown key \'telemtry\'; did you mean \'telemetry\'? [FLEETLOG_ERR_CONFIG_UNKNOWN_KEY]',
  ]);
  const fixed = writeConfig('rules2.yaml', [
    'receivers: { test_in: }',
    'exporters:',
    '  test_out:',
    '    path: /tmp/x',
    '    max_bytes: 100',
    'service: { pipelines: { logs: { receivers: [test_in], exporters: [test_out] } } }',
  ].join('\n'));
  const rule = await load(fixed);
  assert.deepEqual(rule.issues.map((i) => formatIssue(i).replace(`${file.replace('rules', 'rules2')}:`, '')), [
    '5:5 exporters.test_out.max_bytes: must be at least 1024 when backup_count > 0 [FLEETLOG_ERR_CONFIG_RULE]',
  ]);
});

test('YAML syntax errors, a missing file and a wrong top level are reported with codes', async () => {
  const bad = writeConfig('syntax.yaml', 'receivers:\n  test_in: {\nexporters: [\n');
  const syntax = await load(bad);
  assert.ok(syntax.issues.length > 0 && syntax.issues.every((i) => i.code === 'FLEETLOG_ERR_CONFIG_YAML' && i.position !== undefined));
  const missing = await load(join(temp, 'nope.yaml'));
  assert.deepEqual(missing.issues.map((i) => i.code), ['FLEETLOG_ERR_CONFIG_READ']);
  const list = await load(writeConfig('list.yaml', '- a\n- b\n'));
  assert.deepEqual(list.issues.map((i) => i.code), ['FLEETLOG_ERR_CONFIG_TYPE']);
  const empty = await load(writeConfig('empty.yaml', 'service: { pipelines: {} }\n'));
  assert.match(errors(empty.issues).map((i) => i.message).join('\n'), /fewer than 1/);
});

test('durability lint warnings point at the exporter key and do not make the config invalid', async () => {
  const file = writeConfig('lint.yaml', [
    'receivers: { test_in: }',
    'exporters:',
    '  test_out:',
    '    path: /tmp/x',
    '    retry:',
    '      max_elapsed: 1h',
    'service: { pipelines: { logs: { receivers: [test_in], exporters: [test_out] } } }',
  ].join('\n'));
  const { config, issues } = await load(file);
  assert.ok(config);
  const lint = issues.find((i) => i.code === 'FLEETLOG_ERR_CONFIG_DURABILITY' && i.path.join('.') === 'exporters.test_out.retry.max_elapsed');
  assert.ok(lint, JSON.stringify(issues));
  assert.equal(lint.severity, 'warning');
  assert.deepEqual(lint.position, { line: 6, col: 7 });
});

test('a section written as a list is a type error, not a crash or a pile of follow-on errors', async () => {
  const file = writeConfig('list-section.yaml', [
    'receivers: [test_in]',
    'exporters: { test_out: { path: /tmp/x } }',
    'service: { pipelines: { logs: { receivers: [test_in], exporters: [test_out] } } }',
  ].join('\n'));
  const { issues } = await load(file);
  assert.deepEqual(issues.map((i) => `${i.position?.line}:${i.position?.col} ${i.code} ${formatIssue(i).split(' ').slice(1).join(' ')}`), [
    '1:1 FLEETLOG_ERR_CONFIG_TYPE receivers: must be a mapping or empty, not ["test_in"] [FLEETLOG_ERR_CONFIG_TYPE]',
    '3:45 FLEETLOG_ERR_CONFIG_UNDECLARED service.pipelines.logs.receivers[0]: receiver \'test_in\' is not declared under receivers (no receivers are declared) [FLEETLOG_ERR_CONFIG_UNDECLARED]',
  ]);
});

test('an id that is not type or type/name is reported', async () => {
  const file = writeConfig('bad-id.yaml', [
    'receivers: { "Test In": {} , test_in: }',
    'exporters: { test_out: { path: /tmp/x } }',
    'service: { pipelines: { logs: { receivers: [test_in], exporters: [test_out] } } }',
  ].join('\n'));
  const { issues } = await load(file);
  assert.match(errors(issues).map((i) => i.message).join('\n'), /'Test In' is not a valid id: a component id is `type` or `type\/name`/);
});

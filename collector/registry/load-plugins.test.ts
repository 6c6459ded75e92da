import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { TEST_FACTORIES } from '../config/test-factories.js';
import { loadPlugins, resolvePluginEntry } from './load-plugins.js';
import { createRegistry } from './registry.js';

const temp = mkdtempSync(join(tmpdir(), 'fleetlog-plugins-'));
after(() => rmSync(temp, { recursive: true, force: true }));

const factorySource = (kind: string, type: string): string => `{
  kind: '${kind}', type: '${type}', stability: 'alpha',
  configSchema: { type: 'object', additionalProperties: false, properties: {} },
  create() { return { start: async () => {}, shutdown: async () => {}, send: async () => ({ outcome: 'ok' }) }; },
}`;

writeFileSync(join(temp, 'one.mjs'), `export default ${factorySource('exporter', 'one_out')};\n`);
writeFileSync(join(temp, 'many.mjs'), `export default [${factorySource('receiver', 'many_in')}, ${factorySource('exporter', 'many_out')}];\n`);
writeFileSync(join(temp, 'clash.mjs'), `export default ${factorySource('exporter', 'test_out')};\n`);
writeFileSync(join(temp, 'named.mjs'), `export const factory = ${factorySource('exporter', 'named')};\n`);
writeFileSync(join(temp, 'broken.mjs'), 'export default { kind: "exporter", type: "Bad-Type" };\n');
writeFileSync(join(temp, 'syntax.mjs'), 'export default {{;\n');
writeFileSync(join(temp, 'plugin.ts'), 'export default 1;\n');
const pkg = join(temp, 'site', 'node_modules', '@acme', 'fleetlog-vend');
mkdirSync(join(pkg, 'dist'), { recursive: true });
writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: '@acme/fleetlog-vend', type: 'module', exports: { '.': { types: './x.d.ts', import: './dist/index.js', require: './dist/index.cjs' } } }));
writeFileSync(join(pkg, 'dist', 'index.js'), `export default ${factorySource('processor', 'vend')};\n`);
const configDir = join(temp, 'site', 'configs');
mkdirSync(configDir, { recursive: true });

test('relative .mjs files and npm packages (resolved from the config folder upwards) load into the registry', async () => {
  const registry = createRegistry(TEST_FACTORIES);
  const problems = await loadPlugins(['../../one.mjs', '../../many.mjs', '@acme/fleetlog-vend'], configDir, registry);
  assert.deepEqual(problems, []);
  assert.deepEqual(registry.types('exporter'), ['many_out', 'one_out', 'test_out']);
  assert.deepEqual(registry.types('receiver'), ['many_in', 'test_in']);
  assert.equal(registry.get('processor', 'vend')?.source, '@acme/fleetlog-vend');
  assert.equal(resolvePluginEntry('@acme/fleetlog-vend', configDir), join(pkg, 'dist', 'index.js'));
});

test('every bad entry is reported with its index and a reason; good ones still load', async () => {
  const registry = createRegistry(TEST_FACTORIES);
  const entries = ['./clash.mjs', './named.mjs', './broken.mjs', './syntax.mjs', './plugin.ts', './absent.mjs', 'no-such-package', './one.mjs'];
  const problems = await loadPlugins(entries, temp, registry);
  const byIndex = new Map(problems.map((p) => [p.index, `${p.code} ${p.message}`]));
  assert.equal(byIndex.get(0), 'FLEETLOG_ERR_PLUGIN_DUPLICATE exporter type \'test_out\' is registered twice: by a built-in plugin and by plugin \'./clash.mjs\'');
  assert.match(byIndex.get(1)!, /^FLEETLOG_ERR_PLUGIN_LOAD .*has no default export/);
  assert.match(byIndex.get(2)!, /not a valid factory: type must be lower_snake_case \(got "Bad-Type"\); stability must be one of .*; create must be a function; configSchema must be a JSON Schema object/);
  assert.match(byIndex.get(3)!, /^FLEETLOG_ERR_PLUGIN_LOAD cannot load plugin '.\/syntax.mjs'/);
  assert.match(byIndex.get(4)!, /must end in .js or .mjs/);
  assert.match(byIndex.get(5)!, /no such file/);
  assert.match(byIndex.get(6)!, /package 'no-such-package' not found in node_modules/);
  assert.equal(byIndex.has(7), false);
  assert.ok(registry.get('exporter', 'one_out'));
});

test('two plugins with one type: the error names both plugin sources', async () => {
  writeFileSync(join(temp, 'again.mjs'), `export default ${factorySource('exporter', 'one_out')};\n`);
  const registry = createRegistry([]);
  const problems = await loadPlugins(['./one.mjs', './again.mjs'], temp, registry);
  assert.deepEqual(problems.map((p) => p.message), ['exporter type \'one_out\' is registered twice: by plugin \'./one.mjs\' and by plugin \'./again.mjs\'']);
});

test('a built-in list with a duplicate type fails loudly', () => {
  assert.throws(() => createRegistry([...TEST_FACTORIES, TEST_FACTORIES[0]!]), /registered twice/);
});

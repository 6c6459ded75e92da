// The host keys merged into an exporter's schema: `batch.flush_severity`, and a factory's `hostDefaults`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defineExporter } from '../component/define.js';
import type { HostKeyDefaults } from '../component/contract.js';
import { sendOk } from '../component/send-result.js';
import { toDeliveryConfig, type DeliveryYaml } from '../delivery/config.js';
import { componentConfigSchema, validateComponentConfig } from './component-schema.js';
import { testExporter } from './test-factories.js';

function exporterWith(hostDefaults: unknown, type = 'test_defaults'): ReturnType<typeof defineExporter> {
  return defineExporter({
    type,
    stability: 'development',
    configSchema: { type: 'object', additionalProperties: false, properties: { path: { type: 'string', default: 'x', description: 'Path.' } } },
    hostDefaults: hostDefaults as HostKeyDefaults,
    create: () => ({ start: async () => {}, shutdown: async () => {}, send: async () => sendOk() }),
  });
}

const hourly = exporterWith({ batch: { max_age: '1h', flush_severity: 'CRITICAL' }, retry: { initial_interval: '5s' } });

function delivery(factory: Parameters<typeof validateComponentConfig>[0], raw: unknown): ReturnType<typeof toDeliveryConfig> {
  const { config, issues } = validateComponentConfig<DeliveryYaml>(factory, raw);
  assert.deepEqual(issues.map((i) => i.message), []);
  return toDeliveryConfig(config);
}

test('batch.flush_severity takes a level name, a severity number or null; the host default is none', () => {
  assert.equal(delivery(testExporter, { path: 'a' }).batch.flushSeverity, undefined);
  assert.equal(delivery(testExporter, { path: 'a', batch: { flush_severity: 'CRITICAL' } }).batch.flushSeverity, 21);
  assert.equal(delivery(testExporter, { path: 'a', batch: { flush_severity: 'WARN' } }).batch.flushSeverity, 13);
  assert.equal(delivery(testExporter, { path: 'a', batch: { flush_severity: 17 } }).batch.flushSeverity, 17);
  assert.equal(delivery(testExporter, { path: 'a', batch: { flush_severity: null } }).batch.flushSeverity, undefined);
  for (const wrong of ['SEVERE', 0, 25, 1.5]) {
    const { issues } = validateComponentConfig(testExporter, { path: 'a', batch: { flush_severity: wrong } });
    assert.ok(issues.some((i) => i.path.join('.') === 'batch.flush_severity'), `${JSON.stringify(wrong)}: ${JSON.stringify(issues)}`);
  }
});

test('an exporter\'s hostDefaults replace the host defaults it names; the rest stay the host\'s', () => {
  const d = delivery(hourly, {});
  assert.equal(d.batch.maxAgeMs, 3_600_000);
  assert.equal(d.batch.flushSeverity, 21);
  assert.equal(d.retry.initialIntervalMs, 5_000);
  assert.equal(d.batch.maxRecords, 1_000);
  assert.deepEqual(d.queue, delivery(testExporter, { path: 'a' }).queue);
  // another exporter type keeps the host's defaults
  assert.equal(delivery(testExporter, { path: 'a' }).batch.maxAgeMs, 1_000);
});

test('the site\'s YAML overrides an exporter\'s hostDefaults key by key (null turns the flush off)', () => {
  const d = delivery(hourly, { batch: { max_age: '10m', max_records: 50 } });
  assert.equal(d.batch.maxAgeMs, 600_000);
  assert.equal(d.batch.maxRecords, 50);
  assert.equal(d.batch.flushSeverity, 21);
  assert.equal(delivery(hourly, { batch: { flush_severity: null } }).batch.flushSeverity, undefined);
  assert.equal(delivery(hourly, { batch: { flush_severity: 'ERROR' } }).batch.flushSeverity, 17);
});

test('the schema shows an exporter\'s hostDefaults as the defaults of its host keys', () => {
  const batch = (componentConfigSchema(hourly).properties as Record<string, { properties: Record<string, { default?: unknown }> }>).batch!;
  assert.equal(batch.properties.max_age!.default, '1h');
  assert.equal(batch.properties.flush_severity!.default, 'CRITICAL');
  const plain = (componentConfigSchema(testExporter).properties as Record<string, { properties: Record<string, { default?: unknown }> }>).batch!;
  assert.equal(plain.properties.max_age!.default, 1_000);
  assert.equal(plain.properties.flush_severity!.default, undefined);
});

test('invalid hostDefaults are a plugin problem reported at validation, not a crash', () => {
  for (const [defaults, expected] of [
    [{ batch: { max_agee: '1h' } }, /hostDefaults\.batch: .*max_agee/],
    [{ batch: { flush_severity: 'LOUD' } }, /hostDefaults\.batch: \/flush_severity/],
    [{ queue: 'big' }, /hostDefaults\.queue: not an object/],
  ] as const) {
    const { issues } = validateComponentConfig(exporterWith(defaults, 'test_bad_defaults'), {});
    assert.equal(issues.length, 1, JSON.stringify(issues));
    assert.equal(issues[0]!.code, 'FLEETLOG_ERR_PLUGIN_LOAD');
    assert.match(issues[0]!.message, expected);
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { filesystemTypeOf, lintDurability } from './durability-lint.js';

const MOUNTS = [
  '/dev/root / ext4 rw,noatime 0 0',
  'tmpfs /run tmpfs rw,nosuid 0 0',
  'tmpfs /var/lib/fleetlog-ram tmpfs rw 0 0',
  '/dev/sda1 /var/lib ext4 rw 0 0',
].join('\n');

test('a safe configuration gives no warnings', () => {
  const warnings = lintDurability({
    exporters: { otlp_http: { queue: { max_bytes: '64MiB', fsync: 'batch' }, retry: { initial_interval: '1s' } }, file: {} },
    storageDirectory: '/var/lib/fleetlog',
    mountsText: MOUNTS,
  });
  assert.deepEqual(warnings, []);
});

test('each risky setting is flagged with its path', () => {
  const cases: [Record<string, unknown>, string[], RegExp][] = [
    [{ queue: { enabled: false } }, ['exporters', 'x', 'queue', 'enabled'], /memory only/],
    [{ queue: { fsync: 'interval', fsync_interval: '10s' } }, ['exporters', 'x', 'queue', 'fsync_interval'], /10000 ms/],
    [{ queue: { max_bytes: '64KiB' } }, ['exporters', 'x', 'queue', 'max_bytes'], /65536 bytes/],
    [{ queue: { min_free_bytes: 0 } }, ['exporters', 'x', 'queue', 'min_free_bytes'], /headroom/],
    [{ queue: { full_policy: 'drop_lowest_severity' } }, ['exporters', 'x', 'queue', 'full_policy'], /ERROR and CRITICAL are kept/],
    [{ retry: { max_elapsed: '5m' } }, ['exporters', 'x', 'retry', 'max_elapsed'], /300000 ms/],
  ];
  for (const [exporter, path, message] of cases) {
    const warnings = lintDurability({ exporters: { x: exporter }, storageDirectory: '/var/lib/fleetlog', mountsText: MOUNTS });
    assert.equal(warnings.length, 1, JSON.stringify(exporter));
    assert.deepEqual(warnings[0]!.path, path);
    assert.match(warnings[0]!.message, message);
  }
});

test('queue.mode: direct is flagged on an exporter that is not local, not on one that declares itself local', () => {
  const warnings = lintDurability({
    exporters: { otlp_http: { queue: { mode: 'direct' } }, file: { queue: { mode: 'direct' }, local: true }, durable: { queue: { mode: 'durable' } } },
    storageDirectory: '/var/lib/fleetlog',
    mountsText: MOUNTS,
  });
  assert.deepEqual(warnings.map((w) => w.path), [['exporters', 'otlp_http', 'queue', 'mode']]);
  assert.match(warnings[0]!.message, /receivers are held back/);
});

test('a short fsync interval is not flagged', () => {
  const warnings = lintDurability({ exporters: { x: { queue: { fsync: 'interval', fsync_interval: '500ms' } } }, storageDirectory: '/var/lib/fleetlog', mountsText: MOUNTS });
  assert.deepEqual(warnings, []);
});

test('a state folder on tmpfs is flagged; the longest mount point wins', () => {
  assert.equal(filesystemTypeOf('/var/lib/fleetlog', MOUNTS), 'ext4');
  assert.equal(filesystemTypeOf('/var/lib/fleetlog-ram/state', MOUNTS), 'tmpfs');
  assert.equal(filesystemTypeOf('/run', MOUNTS), 'tmpfs');
  assert.equal(filesystemTypeOf('/runner/x', MOUNTS), 'ext4', '/run is not a prefix of /runner');
  const warnings = lintDurability({ exporters: {}, storageDirectory: '/run/fleetlog', mountsText: MOUNTS });
  assert.deepEqual(warnings.map((w) => w.path), [['service', 'storage', 'directory']]);
  assert.match(warnings[0]!.message, /tmpfs/);
});

test('reads the real /proc/mounts when none is given', () => {
  assert.doesNotThrow(() => lintDurability({ exporters: {}, storageDirectory: process.cwd() }));
});

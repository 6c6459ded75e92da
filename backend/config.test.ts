import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatIssue } from '../collector/config/issue.js';
import { parseBackendConfig } from './config.js';

test('defaults: embedded store beside the config, 127.0.0.1:4318, 5,000 rows / 1 s batches', () => {
  const { config, issues } = parseBackendConfig('{}\n', '/etc/fleetlog/backend.yaml');
  assert.deepEqual(issues, []);
  assert.equal(config!.host, '127.0.0.1');
  assert.equal(config!.port, 4318);
  assert.equal(config!.storage.engine, 'embedded');
  assert.equal(config!.storage.path, '/etc/fleetlog/data/clickhouse');
  assert.equal(config!.storage.database, 'fleet');
  assert.equal(config!.ingest.batchMaxRows, 5000);
  assert.equal(config!.ingest.batchMaxDelayMs, 1000);
  assert.equal(config!.ingest.maxBodyBytes, 5 * 1024 * 1024);
  assert.equal(config!.ingest.maxFutureSkewMs, 300_000);
  assert.equal(config!.status.offlineAfterMs, 1_800_000);
  assert.equal(config!.adminToken, undefined);
  assert.ok(Object.isFrozen(config) && Object.isFrozen(config!.storage));
});

test('FLEETLOG_PORT and FLEETLOG_ADMIN_TOKEN override the file', () => {
  const { config } = parseBackendConfig('listen: 0.0.0.0:9000\napi:\n  admin_token: from-the-file-0123456789\n', 'b.yaml', { FLEETLOG_PORT: '0', FLEETLOG_ADMIN_TOKEN: 'from-the-env' });
  assert.equal(config!.host, '0.0.0.0');
  assert.equal(config!.port, 0);
  assert.equal(config!.adminToken, 'from-the-env');
  const fileOnly = parseBackendConfig('api:\n  admin_token: from-the-file-0123456789\n', 'b.yaml', {});
  assert.equal(fileOnly.config!.adminToken, 'from-the-file-0123456789');
});

test('every problem is reported with its position; server mode needs a url; a bad FLEETLOG_PORT is an error', () => {
  const text = 'storage:\n  engine: server\n  databse: x\ningest:\n  max_body_size: huge\n';
  const { config, issues } = parseBackendConfig(text, 'b.yaml', { FLEETLOG_PORT: 'eighty' });
  assert.equal(config, undefined);
  const lines = issues.map(formatIssue);
  assert.ok(lines.some((l) => /^b\.yaml:3:3 storage\.databse: .*'database'/.test(l)), lines.join('\n'));
  assert.ok(lines.some((l) => /^b\.yaml:5:3 ingest\.max_body_size/.test(l)), lines.join('\n'));
  const second = parseBackendConfig('storage:\n  engine: server\n', 'b.yaml', { FLEETLOG_PORT: 'eighty' });
  const more = second.issues.map(formatIssue).join('\n');
  assert.match(more, /storage\.url: engine: server needs url/);
  assert.match(more, /FLEETLOG_PORT=eighty is not a port number/);
});

// The backend's CLI as an operator uses it, as real processes: keys create/list/revoke, sql, backend --config
// (ingest with the created key, read back, clean stop on SIGTERM), and config errors with file:line:col.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runFleetlog, startBackendProcess, type CommandRun } from './fleetlog-cli.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'fleetlog.js');
const TOKEN = 'cli-test-admin-token-0123';
let dir: string;
let config: string;

const run = (args: string[], env: Record<string, string> = {}): Promise<CommandRun> => runFleetlog(args, { cwd: dir, env });

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'fleetlog-cli-'));
  config = join(dir, 'backend.yaml');
  writeFileSync(config, 'listen: 127.0.0.1:4318\nstorage:\n  engine: embedded\n  path: ./store\ningest:\n  batch_max_delay: 50ms\n');
});
after(() => { rmSync(dir, { recursive: true, force: true }); });

test('keys create prints the key alone on its last line; keys list shows it; sql reads the tables', async () => {
  const created = await run(['keys', 'create', '--config', config, '--machine', 'VM001', '--site', 'north']);
  assert.equal(created.code, 0, created.stderr);
  const lines = created.stdout.trimEnd().split('\n');
  assert.match(lines.at(-1)!, /^flk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
  const id = /created key ([0-9a-f]{16})/.exec(created.stdout)![1]!;

  const listed = await run(['keys', 'list', '--config', config, '--json']);
  assert.equal(listed.code, 0, listed.stderr);
  const keys = listed.stdout.trim().split('\n').map((l) => JSON.parse(l) as { id: string; machine_id: string; site: string; revoked_at: string | null });
  assert.deepEqual(keys.map((k) => [k.id, k.machine_id, k.site, k.revoked_at]), [[id, 'VM001', 'north', null]]);
  assert.ok(!listed.stdout.includes(lines.at(-1)!.slice(22)), 'the secret is never listed');

  const sql = await run(['sql', '--config', config, 'SELECT machine_id, site FROM fleet.machines FINAL']);
  assert.equal(sql.code, 0, sql.stderr);
  assert.equal(sql.stdout, 'machine_id\tsite\nVM001\tnorth\n');
  const refused = await run(['sql', '--config', config, 'DROP TABLE fleet.logs']);
  assert.equal(refused.code, 2);

  const revoked = await run(['keys', 'revoke', '--config', config, '--id', id]);
  assert.equal(revoked.code, 0, revoked.stderr);
  const after = await run(['keys', 'list', '--config', config, '--json']);
  assert.notEqual((JSON.parse(after.stdout.trim()) as { revoked_at: string | null }).revoked_at, null);
});

test('backend --config serves ingest and the read API, honours FLEETLOG_PORT, stops cleanly on SIGTERM', async () => {
  const created = await run(['keys', 'create', '--config', config, '--machine', 'VM002']);
  const key = created.stdout.trimEnd().split('\n').at(-1)!;
  const backend = await startBackendProcess(config, { cwd: dir, env: { FLEETLOG_PORT: '0', FLEETLOG_ADMIN_TOKEN: TOKEN } });
  try {
    const { url } = backend;
    assert.doesNotMatch(url, /:4318$/, 'FLEETLOG_PORT=0 overrides listen');
    const res = await fetch(`${url}/api/logs`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ machine_id: 'VM002', logs: [{ level: 'WARN', component: 'motor', message: 'GPIO conflict retry 2' }] }),
    });
    assert.equal(res.status, 200, await res.clone().text());
    const page = await (await fetch(`${url}/api/logs?machine_id=VM002`, { headers: { authorization: `Bearer ${TOKEN}` } })).json() as { logs: { body: string; level: string }[] };
    assert.deepEqual(page.logs.map((l) => [l.level, l.body]), [['WARN', 'GPIO conflict retry 2']]);
    const locked = await run(['keys', 'list', '--config', config], { FLEETLOG_ADMIN_TOKEN: '' });
    assert.equal(locked.code, 1);
    assert.match(locked.stderr, /FLEETLOG_ERR_STORE_LOCKED/);
    // With the admin token, the keys commands go through the running backend.
    const port = new URL(url).port;
    const viaBackend = await run(['keys', 'create', '--config', config, '--machine', 'VM003'], { FLEETLOG_ADMIN_TOKEN: TOKEN, FLEETLOG_PORT: port });
    assert.equal(viaBackend.code, 0, viaBackend.stderr);
    assert.match(viaBackend.stdout, /in the running backend at http:\/\/127\.0\.0\.1:\d+/);
    const key3 = viaBackend.stdout.trimEnd().split('\n').at(-1)!;
    const res3 = await fetch(`${url}/api/logs`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key3}` },
      body: JSON.stringify({ machine_id: 'VM003', logs: [{ message: 'provisioned while running' }] }),
    });
    assert.equal(res3.status, 200);
    const id3 = /created key ([0-9a-f]{16})/.exec(viaBackend.stdout)![1]!;
    const revoked = await run(['keys', 'revoke', '--config', config, '--id', id3], { FLEETLOG_ADMIN_TOKEN: TOKEN, FLEETLOG_PORT: port });
    assert.equal(revoked.code, 0, revoked.stderr);
    const refused = await fetch(`${url}/api/logs`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key3}` },
      body: JSON.stringify({ machine_id: 'VM003', logs: [{ message: 'after revoke' }] }),
    });
    assert.equal(refused.status, 401, 'a key revoked through the backend is refused at once');
    assert.equal(await backend.stop(), 0, backend.output().stderr);
    assert.match(backend.output().stdout, /fleetlog backend stopped/);
  } finally {
    await backend.stop(5_000);
  }
});

test('config errors are all reported with file:line:col and the process exits 1', async () => {
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, 'listen: 127.0.0.1:4318\nstorage:\n  engine: embeded\n  retention_days: 0\ningest:\n  batch_max_rows: many\nextra: 1\n');
  const result = await run(['backend', '--config', bad]);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /bad\.yaml:3:3 storage\.engine: .*FLEETLOG_ERR_CONFIG/);
  assert.match(result.stderr, /bad\.yaml:4:3 storage\.retention_days/);
  assert.match(result.stderr, /bad\.yaml:6:3 ingest\.batch_max_rows/);
  assert.match(result.stderr, /bad\.yaml:7:1 extra/);
});

test('sql … | head: a stdout closed early is a normal end (exit 0, no EPIPE crash)', async () => {
  const child = spawn(process.execPath, [BIN, 'sql', '--config', config, 'SELECT number, toString(number * 7) AS seven FROM numbers(1000000)'], {
    cwd: dir, env: process.env, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let first = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  // Like `head -1`: read the first chunk, then close the pipe while the command is still writing (~14 MB).
  child.stdout.once('data', (d: Buffer) => {
    first = d.toString();
    child.stdout.destroy();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  clearTimeout(timer);
  assert.match(first, /^number\tseven\n0\t0\n1\t7\n/);
  assert.equal(code, 0, stderr);
  assert.doesNotMatch(stderr, /EPIPE|Unhandled|Error/, 'nothing on stderr about the closed pipe');
});

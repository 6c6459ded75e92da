// `npm start` as a newcomer runs it: package.json's start command (`node bin/fleetlog.js demo`) in an empty
// folder, on a free port. Within 60 s the read API lists 5 machines with a recent heartbeat and returns the
// simulated machines' records; SIGINT stops everything (collector processes drained) with exit 0. A second run
// on the same folder keeps the data; --reset starts empty.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runFleetlog } from './fleetlog-cli.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TOKEN = 'demo-test-admin-token-0123';
const dir = mkdtempSync(join(tmpdir(), 'fleetlog-demo-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Machine { machine_id: string; status: string; last_heartbeat: string | null; site: string }
interface Log { machine_id: string; component: string; level: string; body: string; event_name: string }

function startCommand(): string[] {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
  assert.equal(pkg.scripts.start, 'node bin/fleetlog.js demo');
  return pkg.scripts.start.split(' ').slice(1);
}

function startDemo(extra: string[] = []) {
  const [script, ...args] = startCommand();
  const child = spawn(process.execPath, [join(ROOT, script!), ...args, ...extra], {
    cwd: dir, env: { ...process.env, FLEETLOG_PORT: '0', FLEETLOG_ADMIN_TOKEN: TOKEN }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const killer = setTimeout(() => child.kill('SIGKILL'), 150_000);
  void exited.then(() => clearTimeout(killer));
  return { child, exited, output: () => ({ stdout, stderr }) };
}

async function api<T>(base: string, path: string): Promise<T> {
  const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  assert.equal(res.status, 200, `${path}: ${res.status}`);
  return await res.json() as T;
}

async function until<T>(what: string, deadlineMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  let last: unknown;
  while (Date.now() < deadlineMs) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

async function stop(demo: ReturnType<typeof startDemo>): Promise<void> {
  const at = Date.now();
  demo.child.kill('SIGINT');
  const code = await demo.exited;
  assert.equal(code, 0, demo.output().stderr);
  assert.ok(Date.now() - at < 30_000, `stopping took ${Date.now() - at} ms`);
  assert.match(demo.output().stdout, /fleetlog demo: stopped\./);
}

test('npm start: within 60 s, 5 machines with a recent heartbeat and demo records; SIGINT exits 0; data kept across runs', async () => {
  const startedAt = Date.now();
  const demo = startDemo();
  let base = '';
  try {
    base = await until('the Dashboard line', startedAt + 60_000, async () => {
      if (demo.child.exitCode !== null) throw new Error(`demo exited: ${demo.output().stderr}`);
      return /^Dashboard: (http:\/\/127\.0\.0\.1:\d+)\/$/m.exec(demo.output().stdout)?.[1];
    });
    const out = demo.output().stdout;
    assert.notEqual(new URL(base).port, '4318', 'FLEETLOG_PORT=0 overrides the default port');
    assert.match(out, new RegExp(`^Admin token: ${TOKEN}$`, 'm'), 'FLEETLOG_ADMIN_TOKEN is the token');
    assert.match(out, /curl -s -H "Authorization: Bearer [^"]+" "http:\/\/127\.0\.0\.1:\d+\/api\/logs/);
    assert.match(out, /fleetlog sql --config \.demo\/backend\.yaml "SELECT/);

    const machines = await until('5 machines with a recent heartbeat', startedAt + 60_000, async () => {
      const { machines: list } = await api<{ machines: Machine[] }>(base, '/api/machines');
      const fresh = list.filter((m) => m.last_heartbeat !== null && Date.now() - Date.parse(m.last_heartbeat) < 30_000);
      return fresh.length === 5 ? list : undefined;
    });
    assert.deepEqual(machines.map((m) => m.machine_id), ['VM001', 'VM002', 'VM003', 'VM004', 'VM005']);
    assert.ok(machines.every((m) => m.status !== 'offline'), JSON.stringify(machines));

    const logs = await until('simulated records from every machine', startedAt + 60_000, async () => {
      const { logs: page } = await api<{ logs: Log[] }>(base, '/api/logs?limit=1000');
      const records = page.filter((l) => l.event_name !== 'fleetlog.heartbeat');
      return new Set(records.map((l) => l.machine_id)).size === 5 ? records : undefined;
    });
    const components = new Set(logs.map((l) => l.component));
    for (const c of components) assert.ok(['payment', 'motor', 'flowmeter', 'txn', 'temperature', 'system', 'inventory', 'door', 'network'].includes(c), c);
    assert.ok(logs.some((l) => l.machine_id === 'VM001' && l.body === 'Authorization timeout after 30s'), 'the PRD sample lines are there');
    console.log(`demo: ${Date.now() - startedAt} ms to 5 fresh heartbeats and records from every machine (${logs.length} records)`);

    const page = await fetch(`${base}/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    assert.match(await page.text(), /\/api\/machines/);
    for (const id of ['VM001', 'VM005']) {
      const own = readFileSync(join(dir, '.demo', 'machines', id, 'collector.log'), 'utf8');
      assert.match(own, /"msg":"Collector started\."/, 'each machine is a collector process with its own log');
    }
  } finally {
    if (demo.child.exitCode === null) await stop(demo);
  }
  for (const id of ['VM001', 'VM003']) {
    assert.match(readFileSync(join(dir, '.demo', 'machines', id, 'collector.log'), 'utf8'), /"msg":"Collector stopped\."/, 'collectors drained and stopped');
  }
  assert.ok(existsSync(join(dir, '.demo', 'machines', 'VM002', 'out', 'logs.jsonl')), 'the local tier is written');

  // The second run keeps the fleet's history; --reset forgets it.
  const before = Number((/^(\d+)$/m.exec(await countLogs()) ?? [])[1]);
  assert.ok(before > 0);
  const again = startDemo(['--machines', '2']);
  try {
    const base2 = await until('the Dashboard line (second run)', Date.now() + 60_000, async () => /^Dashboard: (http:\/\/127\.0\.0\.1:\d+)\/$/m.exec(again.output().stdout)?.[1]);
    const { logs } = await api<{ logs: Log[] }>(base2, '/api/logs?machine_id=VM005&limit=1');
    assert.equal(logs.length, 1, 'VM005 (first run only) still has its records');
  } finally {
    await stop(again);
  }
  const reset = startDemo(['--machines', '1', '--reset']);
  try {
    const base3 = await until('the Dashboard line (reset)', Date.now() + 60_000, async () => /^Dashboard: (http:\/\/127\.0\.0\.1:\d+)\/$/m.exec(reset.output().stdout)?.[1]);
    const { machines } = await api<{ machines: Machine[] }>(base3, '/api/machines');
    assert.deepEqual(machines.map((m) => m.machine_id), ['VM001']);
  } finally {
    await stop(reset);
  }
});

test('a taken port is an error with a hint (exit 1); a bad option is a usage error (exit 2)', async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  try {
    const run = (extra: string[], env: NodeJS.ProcessEnv) => new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [join(ROOT, 'bin', 'fleetlog.js'), 'demo', '--dir', 'other-demo', ...extra], { cwd: dir, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
      const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      child.once('exit', (code) => { clearTimeout(killer); resolve({ code, stderr }); });
    });
    const taken = await run([], { FLEETLOG_PORT: String(port) });
    assert.equal(taken.code, 1, taken.stderr);
    assert.match(taken.stderr, new RegExp(`port ${port} is taken; choose another with FLEETLOG_PORT=`));
    const usage = await run(['--machines', '0'], {});
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /--machines must be a whole number 1–50/);
  } finally {
    server.close();
  }
});

test('a demo killed hard leaves its collectors running; the next start stops them first and runs normally', async () => {
  const folder = 'killed-demo';
  const pidFile = join(dir, folder, 'machines', 'VM001', 'collector.pid');
  const first = startDemo(['--machines', '1', '--dir', folder]);
  let orphan: number | undefined;
  try {
    await until('the first demo', Date.now() + 60_000, async () => (/^Dashboard: /m.test(first.output().stdout) ? true : undefined));
    orphan = Number(readFileSync(pidFile, 'utf8'));
    first.child.kill('SIGKILL');
    await first.exited;
    assert.ok(alive(orphan), 'the collector outlives a SIGKILLed demo');
    const second = startDemo(['--machines', '1', '--dir', folder]);
    try {
      await until('the second demo', Date.now() + 60_000, async () => {
        if (second.child.exitCode !== null) throw new Error(`the second demo exited: ${second.output().stderr}`);
        return /^Dashboard: /m.test(second.output().stdout) ? true : undefined;
      });
      assert.match(second.output().stderr, /stopped VM001's collector left running by an earlier demo/);
      assert.ok(!alive(orphan), 'the leftover collector is gone');
      assert.notEqual(Number(readFileSync(pidFile, 'utf8')), orphan);
    } finally {
      await stop(second);
    }
    assert.ok(!existsSync(pidFile), 'a clean stop removes the pid file');
  } finally {
    if (first.child.exitCode === null) first.child.kill('SIGKILL');
    if (orphan !== undefined && alive(orphan)) process.kill(orphan, 'SIGKILL');
  }
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.startsWith('Z');
  } catch {
    return false;
  }
}

/** `fleetlog sql` on the demo's store, as the printed example (the demo is stopped). */
async function countLogs(): Promise<string> {
  const { code, stdout, stderr } = await runFleetlog(['sql', '--config', '.demo/backend.yaml', 'SELECT count() AS n FROM fleet.logs FINAL'], { cwd: dir });
  assert.equal(code, 0, stderr);
  return stdout;
}

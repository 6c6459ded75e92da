// The whole system as it runs in the field, every part a real process: the backend (`fleetlog backend`, embedded
// chDB) and 3 collectors (`fleetlog collector --config configs/pi-vending.yaml`, the example site config, with
// different machine ids and device keys), each tailing its own log file. 20,000 simulated vending lines are
// written across the files (JSON lines and Python logging lines); every one must be readable through
// GET /api/logs with its machine id, level, component and message — no loss, no duplicate. Then the backend is
// stopped for 15 s while the machines keep logging, and started again on the same port: the collectors keep
// what they could not send in their disk queues and deliver it; the counts are exact again, and the heartbeats
// sent during the outage report the backlog (otlp_http queue records and oldest unsent age).
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { PrdEntry } from '../../eport/packer/event.js';
import { startCollectorProcess, type CollectorProcess } from '../../demo/collector-process.js';
import { formatLogLine, type LogLineFormat } from '../../demo/log-line.js';
import { VendingSimulator } from '../../demo/vending-simulator.js';
import { runFleetlog, startBackendProcess, type BackendProcess, type CommandRun } from './fleetlog-cli.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TOKEN = 'whole-system-admin-token-42';
const LINES_BEFORE_OUTAGE = 20_000;
const OUTAGE_MS = 15_000;
const dir = mkdtempSync(join(tmpdir(), 'fleetlog-whole-'));
const children: { stop(): Promise<unknown> }[] = [];
after(async () => {
  await Promise.all(children.map((c) => c.stop()));
  rmSync(dir, { recursive: true, force: true });
});

interface Machine {
  readonly id: string;
  readonly format: LogLineFormat;
  readonly logFile: string;
  readonly simulator: VendingSimulator;
  /** Written entries by their time in ms (unique per machine: the simulator's gaps are ≥ 1 ms). */
  readonly written: Map<number, PrdEntry>;
  key: string;
  collector?: CollectorProcess;
}

interface StoredLog { time_unix_nano: string; received_at: string; machine_id: string; level: string; severity_text: string; component: string; body: string; event_name: string; attributes: Record<string, string> }

const fleetlog = (args: string[], env: NodeJS.ProcessEnv = {}): Promise<CommandRun> => runFleetlog(args, { cwd: dir, env });

/** `fleetlog backend` as a process; resolves when it listens. */
async function startBackend(config: string, port: number): Promise<BackendProcess> {
  const backend = await startBackendProcess(config, { cwd: dir, env: { FLEETLOG_PORT: String(port), FLEETLOG_ADMIN_TOKEN: TOKEN } });
  children.push(backend);
  return backend;
}

async function admin<T>(url: string, path: string): Promise<T> {
  const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  assert.equal(res.status, 200, `${path}: ${res.status} ${await res.clone().text()}`);
  return await res.json() as T;
}

/** Every row of a machine through GET /api/logs, page by page (1,000 a page, the cursor for the next). */
async function allLogs(url: string, machineId: string, heartbeats = false): Promise<StoredLog[]> {
  const rows: StoredLog[] = [];
  let cursor: string | null = null;
  do {
    const query: string = `machine_id=${machineId}&limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page: { logs: StoredLog[]; next_cursor: string | null } = await admin(url, `/api/logs?${query}`);
    rows.push(...page.logs);
    cursor = page.next_cursor;
  } while (cursor !== null);
  return rows.filter((r) => (r.event_name === 'fleetlog.heartbeat') === heartbeats);
}

function write(machine: Machine, count: number): void {
  let text = '';
  for (const entry of machine.simulator.take(count)) {
    machine.written.set(Date.parse(entry.timestamp), entry);
    text += `${formatLogLine(entry, machine.format)}\n`;
  }
  appendFileSync(machine.logFile, text);
}

async function waitDelivered(url: string, machines: readonly Machine[], timeoutMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    const counts: number[] = [];
    for (const m of machines) counts.push((await allLogs(url, m.id)).length);
    if (counts.every((n, i) => n >= machines[i]!.written.size)) return Date.now() - started;
    if (Date.now() - started > timeoutMs) {
      throw new Error(`not delivered within ${timeoutMs} ms: ${machines.map((m, i) => `${m.id} ${counts[i]}/${m.written.size}`).join(', ')}\n${machines.map((m) => m.collector?.output().slice(-1500)).join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Exactly the written entries, each once, with its machine id, level, component and message. */
async function assertExact(url: string, machines: readonly Machine[]): Promise<void> {
  for (const m of machines) {
    const rows = await allLogs(url, m.id);
    assert.equal(rows.length, m.written.size, `${m.id}: ${rows.length} rows for ${m.written.size} lines`);
    const seen = new Set<number>();
    for (const row of rows) {
      const ms = Number(BigInt(row.time_unix_nano) / 1_000_000n);
      const entry = m.written.get(ms);
      assert.ok(entry, `${m.id}: a row that was never written: ${JSON.stringify(row)}`);
      assert.ok(!seen.has(ms), `${m.id}: a duplicate: ${JSON.stringify(row)}`);
      seen.add(ms);
      assert.deepEqual([row.machine_id, row.level, row.component, row.body], [m.id, entry.level, entry.component, entry.message]);
    }
  }
}

test('backend + 3 collector processes: 20,000 lines exactly once; a 15 s backend outage is buffered and delivered exactly', async () => {
  const backendConfig = join(dir, 'backend.yaml');
  writeFileSync(backendConfig, 'listen: 127.0.0.1:4318\nstorage:\n  engine: embedded\n  path: ./store\ningest:\n  batch_max_delay: 100ms\n');
  const startMs = Date.now() - 3_600_000;
  const machines: Machine[] = (['json', 'python', 'json'] as const).map((format, i) => {
    const id = `VM-E2E-${i + 1}`;
    mkdirSync(join(dir, id, 'logs'), { recursive: true });
    return {
      id, format, key: '', logFile: join(dir, id, 'logs', 'vending.log'), written: new Map(),
      simulator: new VendingSimulator({ machineId: id, seed: 100 + i, startMs, logsPerHour: 200_000 }),
    };
  });
  for (const m of machines) {
    const created = await fleetlog(['keys', 'create', '--config', backendConfig, '--machine', m.id, '--site', 'e2e']);
    assert.equal(created.code, 0, created.stderr);
    m.key = created.stdout.trimEnd().split('\n').at(-1)!;
  }

  let backend = await startBackend(backendConfig, 0);
  const port = Number(new URL(backend.url).port);
  for (const m of machines) {
    m.collector = startCollectorProcess({
      configFile: join(ROOT, 'configs', 'pi-vending.yaml'),
      cwd: dir,
      env: {
        MACHINE_ID: m.id, FLEETLOG_SITE: 'e2e', FLEETLOG_ENDPOINT: backend.url, FLEETLOG_API_KEY: m.key,
        VENDING_LOG_DIR: join(dir, m.id, 'logs'), VENDING_LOG_TIME_ZONE: 'utc',
        FLEETLOG_LOCAL_DIR: join(dir, m.id, 'local'), FLEETLOG_STATE_DIR: join(dir, m.id, 'state'),
        FLEETLOG_RETRY_MAX_INTERVAL: '1s', FLEETLOG_HEARTBEAT_INTERVAL: '5s',
      },
    });
    children.push(m.collector);
  }
  await Promise.all(machines.map((m) => m.collector!.started()));

  // 1. 20,000 lines across the three files, in bursts.
  const t0 = Date.now();
  for (let written = 0; written < LINES_BEFORE_OUTAGE;) {
    for (const m of machines) {
      const n = Math.min(500, LINES_BEFORE_OUTAGE - written);
      if (n > 0) write(m, n);
      written += n;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.equal(machines.reduce((n, m) => n + m.written.size, 0), LINES_BEFORE_OUTAGE);
  const deliveredMs = await waitDelivered(backend.url, machines, 90_000);
  console.log(`20,000 lines: written in ${Date.now() - t0 - deliveredMs} ms, all stored ${deliveredMs} ms after the last write`);
  await assertExact(backend.url, machines);

  // 2. The backend goes away for 15 s while the machines keep logging.
  assert.equal(await backend.stop(), 0, 'the backend stops cleanly');
  const downAt = Date.now();
  const beforeOutage = new Map(machines.map((m) => [m.id, new Set(m.written.keys())]));
  while (Date.now() - downAt < OUTAGE_MS) {
    for (const m of machines) write(m, 20);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const duringOutage = machines.reduce((n, m) => n + m.written.size, 0) - LINES_BEFORE_OUTAGE;
  // The local tier kept recording while the backend was away.
  for (const m of machines) {
    const local = readFileSync(join(dir, m.id, 'local', 'logs.jsonl'), 'utf8').split('\n').filter((l) => l !== '' && !l.includes('fleetlog.heartbeat'));
    assert.ok(local.length > beforeOutage.get(m.id)!.size, `${m.id}: the local file keeps growing during the outage`);
  }
  backend = await startBackend(backendConfig, port);
  const upAt = Date.now();
  const redeliveredMs = await waitDelivered(backend.url, machines, 90_000);
  console.log(`outage: backend down ${upAt - downAt} ms, ${duringOutage} lines written meanwhile; all stored ${redeliveredMs} ms after the backend was back`);
  await assertExact(backend.url, machines);
  // What was written during the outage was buffered by the collectors and received only after the restart.
  for (const m of machines) {
    const rows = await allLogs(backend.url, m.id);
    const late = rows.filter((r) => !beforeOutage.get(m.id)!.has(Number(BigInt(r.time_unix_nano) / 1_000_000n)));
    assert.ok(late.length > 0);
    assert.ok(late.every((r) => Date.parse(r.received_at) >= upAt - 1_000), `${m.id}: outage records were received after the restart`);
  }
  // Heartbeats sent during the outage (queued like any record) report the otlp_http backlog.
  for (const m of machines) {
    const beats = (await allLogs(backend.url, m.id, true)).filter((r) => Number(BigInt(r.time_unix_nano) / 1_000_000n) > downAt + 1_000 && Number(BigInt(r.time_unix_nano) / 1_000_000n) < upAt);
    assert.ok(beats.length >= 1, `${m.id}: heartbeats from the outage`);
    const backlog = beats.map((b) => (JSON.parse(b.attributes['fleetlog.exporters']!) as Record<string, { queue_records: number; oldest_unsent_age_seconds: number }>).otlp_http!);
    assert.ok(backlog.some((q) => q.queue_records > 0 && q.oldest_unsent_age_seconds > 0), `${m.id}: ${JSON.stringify(backlog)}`);
  }
  const machineList = await admin<{ machines: { machine_id: string; last_heartbeat: string | null }[] }>(backend.url, '/api/machines');
  assert.deepEqual(machineList.machines.map((x) => x.machine_id).sort(), machines.map((m) => m.id));
  assert.ok(machineList.machines.every((x) => x.last_heartbeat !== null), 'heartbeats arrived');

  // 3. Everything stops cleanly.
  const codes = await Promise.all(machines.map((m) => m.collector!.stop()));
  assert.deepEqual(codes, [0, 0, 0], machines.map((m) => m.collector!.output().slice(-1000)).join('\n'));
  assert.equal(await backend.stop(), 0);
});

// Acceptance of the ePort link (issue 6): 1,000 events through the `eport` exporter (behind the host's durable
// delivery node) → a real kernel pty pair (socat) → the `fleetlog eport-sim` process (10 % damaged frames, lost
// ACKs, one restart) → its drop folder → the backend's drop-folder ingest → the embedded ClickHouse store.
// Every event must be stored exactly once, with the right fields.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toDeliveryConfig } from '../../collector/delivery/config.js';
import { createDeliveryNode } from '../../collector/delivery/delivery-node.js';
import { configFor, createNopSettings } from '../../collector/testkit/index.js';
import { defaultBackendConfig, type BackendConfig } from '../../backend/config.js';
import { resolveEportConfig } from '../../backend/ingest/eport-config.js';
import { startBackend } from '../../backend/server.js';
import { openStore } from '../../backend/store/open-store.js';
import type { StoredLog } from '../../backend/store/log-row.js';
import { VendingSimulator } from '../../demo/vending-simulator.js';
import { openPtyPair } from '../../eport/sim/pty-pair.js';
import eportFactory from '../../plugins/exporters/eport/index.js';
import type { EportExporterConfig } from '../../plugins/exporters/eport/config.js';

const BIN = fileURLToPath(new URL('../../bin/fleetlog.js', import.meta.url));
const EVENTS = 1_000;

interface SimRun { child: ChildProcess; exited: Promise<number | null>; lines: Array<Record<string, unknown>>; ready: Promise<void> }

function startSim(port: string, out: string, extra: string[]): SimRun {
  const child = spawn(process.execPath, [BIN, 'eport-sim', '--port', port, '--out', out, '--baud', '115200', '--corrupt', '0.1', '--drop-ack', '0.1', ...extra], {
    env: { ...process.env, FLEETLOG_FROM_SOURCE: '1', UV_USE_IO_URING: '0' }, stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: Array<Record<string, unknown>> = [];
  let buffer = '';
  let onReady!: () => void;
  const ready = new Promise<void>((resolve) => { onReady = resolve; });
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    let at: number;
    while ((at = buffer.indexOf('\n')) >= 0) {
      const line = JSON.parse(buffer.slice(0, at)) as Record<string, unknown>;
      buffer = buffer.slice(at + 1);
      lines.push(line);
      if (line.event === 'ready') onReady();
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => { onReady(); resolve(code); }));
  return { child, exited, lines, ready };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('1,000 events: exporter → pty → simulator (damaged frames, lost ACKs, a restart) → drop folder → backend, each stored once', { timeout: 180_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fleetlog-eport-e2e-'));
  const drop = join(dir, 'drop');
  const pty = await openPtyPair(dir);
  const base = defaultBackendConfig({ path: join(dir, 'clickhouse'), adminToken: 'admin-token-0123456789' });
  const config: BackendConfig = {
    ...base, port: 0, host: '127.0.0.1', storage: { ...base.storage, retentionDays: 3650 },
    ingest: { ...base.ingest, batchMaxDelayMs: 50 },
    eport: resolveEportConfig({ drop_dir: drop, poll_interval: '250ms' }, dir, {}),
  };
  const store = await openStore(config.storage);
  const backend = await startBackend(config, { store });
  const settings = createNopSettings('exporter', 'eport', { resource: { 'device.id': 'VM042' }, storageDir: join(dir, 'eport-state') });
  const exporter = eportFactory.create(settings, configFor<EportExporterConfig>(eportFactory, {
    path: pty.a, baud_rate: 115200, processing_time: '200ms', max_attempts: 4,
    immediate_levels: ['CRITICAL'], batch_levels: ['DEBUG', 'INFO', 'WARN', 'ERROR'], max_bytes_per_day: 0, daily_summary: false,
  }));
  const node = createDeliveryNode({
    settings, exporter, directory: join(dir, 'queue'),
    config: toDeliveryConfig({ retry: { initial_interval: 100, max_interval: 1_000 }, batch: { max_records: 60, max_age: 100 } }),
  });
  const runs: SimRun[] = [];
  try {
    // the first simulator closes its port after 4 payloads and exits; a second one takes over
    runs.push(startSim(pty.b, drop, ['--close-after', '4', '--seed', '7']));
    await runs[0]!.ready;
    await node.start();
    const sim = new VendingSimulator({ seed: 2026, machineId: 'VM042' });
    const entries = sim.take(EVENTS);
    const batch = new VendingSimulator({ seed: 2026, machineId: 'VM042' }).takeBatch(EVENTS, Date.now());
    for (let i = 0; i < EVENTS; i += 100) await node.consume({ resource: batch.resource, records: batch.records.slice(i, i + 100) });
    assert.equal(await runs[0]!.exited, 0);
    runs.push(startSim(pty.b, drop, ['--seed', '8']));
    await runs[1]!.ready;

    await until('the queue to drain', async () => (node.stats().queuedRecords === 0 ? true : undefined), 120_000);
    const rows = await until(`${EVENTS} rows`, async () => {
      const page = (await store.queryLogs({ machineId: 'VM042' }, 1000)).rows;
      return page.length >= EVENTS && (await readdir(drop)).every((n) => !n.endsWith('.eport')) ? page : undefined;
    }, 60_000);

    // exactly once: what queries see (FINAL) and what was physically inserted
    assert.equal(rows.length, EVENTS);
    const raw = await store.engine.query<{ n: string }>(`SELECT count() AS n FROM ${store.db}.logs WHERE machine_id = 'VM042'`);
    assert.equal(Number(raw[0]!.n), EVENTS, 'no payload was inserted twice');
    // the right fields
    const key = (r: { time: string; level: string; component: string; body: string }): string => `${r.time}|${r.level}|${r.component}|${r.body}`;
    const want = new Map(entries.map((e) => [key({ time: e.timestamp.replace('Z', '000000Z'), level: e.level, component: e.component, body: e.message }), e]));
    assert.equal(want.size, EVENTS, 'the generated events are distinct');
    for (const row of rows as StoredLog[]) {
      const entry = want.get(key(row));
      assert.ok(entry, `unexpected row ${key(row)}`);
      assert.equal(row.source, 'eport');
      for (const [k, v] of Object.entries(entry.context ?? {})) assert.equal(row.attributes[k], typeof v === 'string' ? v : JSON.stringify(v), `${key(row)} ${k}`);
      want.delete(key(row));
    }
    assert.equal(want.size, 0);

    // the faults really happened
    await node.shutdown();
    runs[1]!.child.kill('SIGTERM');
    await runs[1]!.exited;
    const summaries = runs.flatMap((r) => r.lines.filter((l) => l.event === 'summary')) as Array<{ faults: { corruptedFrames: number; droppedAcks: number }; duplicates: number; stoppedBy: string }>;
    assert.equal(summaries.length, 2);
    assert.equal(summaries[0]!.stoppedBy, 'close-after');
    const corrupted = summaries.reduce((n, s) => n + s.faults.corruptedFrames, 0);
    const droppedAcks = summaries.reduce((n, s) => n + s.faults.droppedAcks, 0);
    assert.ok(corrupted >= 1 && droppedAcks >= 1, `corrupted ${corrupted}, dropped ACKs ${droppedAcks}`);
    const processed = await readdir(join(drop, 'processed'));
    assert.equal(backend.backend.eport.ingest.stats.payloads, processed.length);
  } finally {
    for (const r of runs) if (r.child.exitCode === null && r.child.signalCode === null) { r.child.kill('SIGTERM'); await r.exited; }
    await node.shutdown();
    await backend.close();
    await store.close();
    await pty.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

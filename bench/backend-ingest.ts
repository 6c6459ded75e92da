// Bench: OTLP/HTTP protobuf ingest into the embedded store (chDB), end to end over HTTP.
//   node --import tsx bench/backend-ingest.ts [--clients 16] [--seconds 20] [--batch-rows 5000] [--concurrency 2]
//   node --import tsx bench/backend-ingest.ts --engine-only [--seconds 10]   (Store.insertLogRows alone, no HTTP)
// The server runs in this process; the load comes from a child process (clients × keep-alive connections) that
// replays pre-encoded 1,000-record ExportLogsServiceRequest bodies (encoded by the OpenTelemetry JS SDK). Reports
// accepted logs/s, request latency, CPU of the server process, event-loop delay, and where the time goes
// (decode, row mapping, JSON encoding — measured on the same batches — and the engine's insert time), and the
// latency of GET /api/logs (one machine, newest 200) while the ingest runs.
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { defaultBackendConfig, type BackendConfig } from '../backend/config.js';
import { decodeOtlpLogsProto } from '../backend/ingest/otlp-proto-decode.js';
import { recordsToRows } from '../backend/ingest/store-records.js';
import { startBackend } from '../backend/server.js';
import { encodeRow } from '../backend/store/log-row.js';
import { openStore } from '../backend/store/open-store.js';
import { otlpBodies, type FixtureRecord } from '../backend/testing/otlp-fixtures.js';

const RECORDS_PER_REQUEST = 1000;
const BODIES_PER_CLIENT = 8;
const COMPONENTS = ['payment', 'motor', 'door', 'fridge', 'coin', 'bill'];
const TEMPLATES = [
  'Vend OK slot {n} price 250 paid card',
  'Payment declined code 51 txn {t}',
  'Coin mech jam detected, retry {n}',
  'Door closed after service visit, technician {n}',
  'Temperature {n}.5C within limits',
  'TXN|{t}|APPROVED|00|amount=350|card=VISA',
];

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
}

async function bodiesFor(machineId: string, client: number): Promise<Buffer[]> {
  const out: Buffer[] = [];
  const start = Date.now() - 3600_000;
  for (let b = 0; b < BODIES_PER_CLIENT; b += 1) {
    const records: FixtureRecord[] = [];
    for (let i = 0; i < RECORDS_PER_REQUEST; i += 1) {
      const n = b * RECORDS_PER_REQUEST + i;
      const template = TEMPLATES[n % TEMPLATES.length]!;
      records.push({
        body: template.replace('{n}', String(n % 97)).replace('{t}', `T${client}-${n}`),
        severityNumber: n % 50 === 0 ? 17 : n % 10 === 0 ? 13 : 9,
        timeMs: start + n * 3,
        attributes: { component: COMPONENTS[n % COMPONENTS.length]!, slot: n % 40, 'log.record.uid': `${machineId}:${b}:${i}`, 'fleetlog.seq': n },
      });
    }
    out.push((await otlpBodies({ 'device.id': machineId, 'service.name': 'vend-controller', site: `site-${client % 3}` }, records)).proto);
  }
  return out;
}

async function client(): Promise<void> {
  const { url, key, machineId, seconds, index } = JSON.parse(process.argv[3]!) as { url: string; key: string; machineId: string; seconds: number; index: number };
  const bodies = await bodiesFor(machineId, index);
  process.send!({ ready: true });
  await new Promise<void>((resolve) => process.once('message', () => resolve()));
  const latencies: number[] = [];
  const cpu0 = process.cpuUsage();
  let accepted = 0;
  let refused = 0;
  const until = Date.now() + seconds * 1000;
  let i = 0;
  while (Date.now() < until) {
    const started = performance.now();
    const res = await fetch(`${url}/v1/logs`, { method: 'POST', body: bodies[i % bodies.length], headers: { 'content-type': 'application/x-protobuf', authorization: `Bearer ${key}` } });
    await res.arrayBuffer();
    latencies.push(performance.now() - started);
    if (res.status === 200) accepted += RECORDS_PER_REQUEST;
    else { refused += 1; await new Promise((r) => setTimeout(r, Number(res.headers.get('retry-after') ?? 1) * 1000)); }
    i += 1;
  }
  const cpu = process.cpuUsage(cpu0);
  process.send!({ accepted, refused, latencies, cpuSeconds: (cpu.user + cpu.system) / 1e6 });
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function main(): Promise<void> {
  const clients = arg('clients', 16);
  const seconds = arg('seconds', 20);
  const batchRows = arg('batch-rows', 5000);
  const concurrency = arg('concurrency', 2);
  const dir = mkdtempSync(join(tmpdir(), 'fleetlog-bench-ingest-'));
  const base = defaultBackendConfig({ path: join(dir, 'clickhouse'), adminToken: 'bench-admin-token-0123456789' });
  const config: BackendConfig = { ...base, port: 0, host: '127.0.0.1', ingest: { ...base.ingest, batchMaxRows: batchRows, maxPendingRows: 1_000_000, insertConcurrency: concurrency } };
  const store = await openStore(config.storage);
  const running = await startBackend(config, { store });
  const version = (await store.engine.query<{ v: string }>('SELECT version() AS v'))[0]?.v;

  // Where the time goes, per 1,000-record request, measured on the real code paths.
  const sample = (await bodiesFor('VMBENCH', 99))[0]!;
  const reps = 50;
  let t = performance.now();
  for (let r = 0; r < reps; r += 1) decodeOtlpLogsProto(sample);
  const decodeMs = (performance.now() - t) / reps;
  const batches = decodeOtlpLogsProto(sample);
  t = performance.now();
  let rows = recordsToRows({ machineId: 'VMBENCH', batch: batches[0]!, source: 'otlp_proto' }, 300_000, Date.now()).rows;
  for (let r = 1; r < reps; r += 1) rows = recordsToRows({ machineId: 'VMBENCH', batch: batches[0]!, source: 'otlp_proto' }, 300_000, Date.now()).rows;
  const mapMs = (performance.now() - t) / reps;
  t = performance.now();
  for (let r = 0; r < reps; r += 1) { let text = ''; for (const row of rows) text += `${encodeRow(row)}\n`; Buffer.from(text); }
  const jsonMs = (performance.now() - t) / reps;

  const children = [];
  for (let c = 0; c < clients; c += 1) {
    const machineId = `VM${String(c).padStart(4, '0')}`;
    const key = (await running.backend.keys.create(machineId)).key;
    const child = fork(fileURLToPath(import.meta.url), ['client', JSON.stringify({ url: running.url, key, machineId, seconds, index: c })], { execArgv: ['--import', 'tsx'] });
    children.push(child);
  }
  await Promise.all(children.map((child) => new Promise<void>((resolve) => child.once('message', () => resolve()))));
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const cpu0 = process.cpuUsage();
  const stats0 = { ...running.backend.batcher.stats };
  const wall0 = performance.now();
  const results = children.map((child) => new Promise<{ accepted: number; refused: number; latencies: number[]; cpuSeconds: number }>((resolve) => child.once('message', (m) => resolve(m as never))));
  for (const child of children) child.send('go');
  // Reads while ingesting: one machine's newest 200 through GET /api/logs, back to back with 100 ms pauses.
  const reads: number[] = [];
  let ingesting = true;
  const reader = (async () => {
    while (ingesting) {
      const started = performance.now();
      const res = await fetch(`${running.url}/api/logs?machine_id=VM0000&limit=200`, { headers: { authorization: 'Bearer bench-admin-token-0123456789' } });
      await res.arrayBuffer();
      reads.push(performance.now() - started);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  const done = await Promise.all(results);
  ingesting = false;
  await reader;
  reads.sort((a, b) => a - b);
  await running.backend.batcher.close();
  const wallS = (performance.now() - wall0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  loop.disable();
  const stats = running.backend.batcher.stats;
  const accepted = done.reduce((a, d) => a + d.accepted, 0);
  const refused = done.reduce((a, d) => a + d.refused, 0);
  const latencies = done.flatMap((d) => d.latencies).sort((a, b) => a - b);
  const stored = await store.countLogs({});
  const insertedRows = stats.insertedRows - stats0.insertedRows;
  const inserts = stats.inserts - stats0.inserts;
  const insertS = stats.insertSeconds - stats0.insertSeconds;
  const requests = latencies.length;
  const result = {
    engine: `chDB ${version}`, node: process.version, clients, seconds, recordsPerRequest: RECORDS_PER_REQUEST, batchMaxRows: batchRows, insertConcurrency: concurrency,
    acceptedLogsPerS: Math.round(accepted / wallS), requests, refusedRequests: refused, storedRows: stored,
    latencyMs: { p50: +pct(latencies, 50).toFixed(1), p99: +pct(latencies, 99).toFixed(1), max: +(latencies.at(-1) ?? 0).toFixed(1) },
    serverCpuPercentOfOneCore: Math.round(((cpu.user + cpu.system) / 1e6 / wallS) * 100),
    clientsCpuPercentOfOneCore: Math.round((done.reduce((a, d) => a + d.cpuSeconds, 0) / wallS) * 100),
    readWhileIngestingMs: { count: reads.length, p50: +pct(reads, 50).toFixed(1), p95: +pct(reads, 95).toFixed(1), max: +(reads.at(-1) ?? 0).toFixed(1) },
    eventLoopDelayMs: { p50: +(loop.percentile(50) / 1e6).toFixed(1), p99: +(loop.percentile(99) / 1e6).toFixed(1), max: +(loop.max / 1e6).toFixed(1) },
    perRequestMs: { decode: +decodeMs.toFixed(2), mapRows: +mapMs.toFixed(2), jsonEncode: +jsonMs.toFixed(2) },
    inserts: { count: inserts, rowsPerInsert: Math.round(insertedRows / Math.max(1, inserts)), engineSecondsPerSecond: +(insertS / wallS).toFixed(2), msPer1000Rows: +((insertS * 1000) / (insertedRows / 1000)).toFixed(2) },
  };
  console.log(JSON.stringify(result, null, 2));
  for (const child of children) child.kill();
  await running.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}

/** `--engine-only`: Store.insertLogRows alone (rows already decoded and mapped), one writer, 5,000 and 20,000 rows per insert. */
async function engineOnly(): Promise<void> {
  const seconds = arg('seconds', 10);
  const dir = mkdtempSync(join(tmpdir(), 'fleetlog-bench-engine-'));
  const store = await openStore(defaultBackendConfig({ path: join(dir, 'clickhouse') }).storage);
  const decoded = decodeOtlpLogsProto((await bodiesFor('VMENGINE', 0))[0]!)[0]!;
  // Without device.id in the resource, so the rows can be spread over 50 machines.
  const { 'device.id': _device, ...resource } = decoded.resource;
  const sample = { resource, records: decoded.records };
  const out: Record<string, unknown> = {};
  let n = 0;
  for (const size of [5000, 20000]) {
    const until = performance.now() + seconds * 1000;
    const started = performance.now();
    const cpu0 = process.cpuUsage();
    let inserted = 0;
    while (performance.now() < until) {
      const rows = [];
      for (let guard = 0; rows.length < size && guard < 1000; guard += 1) {
        for (const row of recordsToRows({ machineId: `VM${n % 50}`, batch: sample, source: 'otlp_proto' }, 300_000, Date.now()).rows) {
          rows.push({ ...row, record_id: `${n}` });
          n += 1;
        }
      }
      await store.insertLogRows(rows);
      inserted += rows.length;
    }
    const wallS = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpu0);
    out[`rowsPerInsert${size}`] = { rowsPerS: Math.round(inserted / wallS), processCpuPercentOfOneCore: Math.round(((cpu.user + cpu.system) / 1e6 / wallS) * 100) };
  }
  console.log(JSON.stringify({ engineOnly: out }, null, 2));
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}

if (process.argv[2] === 'client') await client();
else if (process.argv.includes('--engine-only')) await engineOnly();
else await main();

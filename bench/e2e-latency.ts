// End to end, device to query: how long from a line appended to a device's log file until its row can be queried
// in the backend, and what the collector costs while it does that.
//
//   node --import tsx bench/e2e-latency.ts [--devices 5] [--rate 1000] [--seconds 30]
//                                          [--cpu-rate 5000] [--cpu-seconds 30] [--backend-delay 1s] [--compiled]
//                                          [--node-options "--max-semi-space-size=1"] [--batch-max-age 100ms] [--cpu-prof DIR]
//                                          [--no-local-tier]
//
// Part 1 (latency): a backend (embedded chDB, in this process, ingest.batch_max_delay = --backend-delay, default the
// shipped 1s) and --devices collector PROCESSES on configs/pi-vending.yaml (the example site config, unchanged),
// each tailing its own file into which this process appends --rate JSON lines/s (20 ms ticks; the line's own
// timestamp is its append time W). A poller queries the store every 50 ms for rows received in the last 6 s; a
// row first seen by a query that started at T counts latency T − W (an upper bound: ≤ 50 ms + one query late).
// The row's received_at R (backend clock, same machine) splits it: W → R is the device side (tail, parse, disk
// queue, batch, HTTP), R → T the backend side (insert batching, insert, query). Every line must be seen.
// Part 2 (cost): one collector at --cpu-rate lines/s to the same backend; CPU (utime + stime from /proc) over
// --cpu-seconds after a 5 s warm-up, RSS (VmRSS) sampled every second, peak (VmHWM).
// --compiled: run the collectors as compiled JavaScript (tsc into bench/out/dist-e2e) instead of through tsx.
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultBackendConfig, type BackendConfig } from '../backend/config.js';
import { startBackend, type RunningBackend } from '../backend/server.js';
import { openStore } from '../backend/store/open-store.js';
import { parseDurationMs } from '../collector/config/units.js';
import { startCollectorProcess, type CollectorProcess } from '../demo/collector-process.js';
import { VendingSimulator } from '../demo/vending-simulator.js';
import { cpuSeconds, cpuSplitSeconds, memoryMiB } from './proc-usage.js';

const repo = join(import.meta.dirname, '..');
const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const i = args.indexOf(name);
  return i === -1 ? fallback : args[i + 1]!;
};
const DEVICES = Number(option('--devices', '5'));
const RATE = Number(option('--rate', '1000'));
const SECONDS = Number(option('--seconds', '30'));
const CPU_RATE = Number(option('--cpu-rate', '5000'));
const CPU_SECONDS = Number(option('--cpu-seconds', '30'));
const BACKEND_DELAY_MS = parseDurationMs(option('--backend-delay', '1s'));
const COMPILED = args.includes('--compiled');
/** NODE_OPTIONS for the collector processes, e.g. "--max-semi-space-size=1" (V8 heap sizing). */
const NODE_OPTIONS = option('--node-options', '');
/** Overrides otlp_http's batch.max_age (default 1s) in a copy of configs/pi-vending.yaml, to see its share. */
const BATCH_MAX_AGE = option('--batch-max-age', '');
/** Leave the local `file` tier out of the pipeline (only otlp_http), to see what the second exporter costs. */
const NO_LOCAL_TIER = args.includes('--no-local-tier');
/** Write a V8 CPU profile of every collector into this folder (node --cpu-prof). */
const CPU_PROF_DIR = option('--cpu-prof', '');
const TICK_MS = 20;
const POLL_MS = 50;
const WARMUP_S = 5;

function percentile(sorted: readonly number[], p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const dir = mkdtempSync(join(tmpdir(), 'fleetlog-bench-e2e-'));
let compiledMain: string | undefined;
if (COMPILED) {
  const outDir = join(repo, 'bench', 'out', 'dist-e2e');
  const built = spawnSync(process.execPath, [join(repo, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(repo, 'tsconfig.build.json'), '--outDir', outDir], { stdio: 'inherit' });
  if (built.status !== 0) throw new Error('tsc failed');
  compiledMain = join(outDir, 'collector', 'cli', 'main.js');
}

interface Device {
  readonly id: string;
  readonly logFile: string;
  readonly simulator: VendingSimulator;
  /** Append time (ms) of line n. */
  readonly writtenAt: number[];
  collector?: CollectorProcess;
}

async function startDevice(backend: RunningBackend, id: string): Promise<Device> {
  const key = (await backend.backend.keys.create(id, 'bench')).key;
  const base = join(dir, id);
  mkdirSync(join(base, 'logs'), { recursive: true });
  const device: Device = { id, logFile: join(base, 'logs', 'vending.log'), simulator: new VendingSimulator({ machineId: id, seed: id.length * 7 + id.charCodeAt(id.length - 1) }), writtenAt: [] };
  writeFileSync(device.logFile, '');
  const env = {
    MACHINE_ID: id, FLEETLOG_ENDPOINT: backend.url, FLEETLOG_API_KEY: key, VENDING_LOG_DIR: join(base, 'logs'),
    FLEETLOG_LOCAL_DIR: join(base, 'local'), FLEETLOG_STATE_DIR: join(base, 'state'),
    ...(NODE_OPTIONS ? { NODE_OPTIONS } : {}),
  };
  let configFile = join(repo, 'configs', 'pi-vending.yaml');
  if (BATCH_MAX_AGE !== '' || NO_LOCAL_TIER) {
    let text = readFileSync(configFile, 'utf8');
    const edit = (from: string, to: string): void => {
      if (!text.includes(from)) throw new Error(`configs/pi-vending.yaml changed: no '${from.trim()}' to edit`);
      text = text.replace(from, to);
    };
    if (BATCH_MAX_AGE !== '') edit('\n    retry:\n', `\n    batch:\n      max_age: ${BATCH_MAX_AGE}\n    retry:\n`);
    if (NO_LOCAL_TIER) edit('exporters: [file, otlp_http]', 'exporters: [otlp_http]');
    configFile = join(dir, 'pi-vending-variant.yaml');
    writeFileSync(configFile, text);
  }
  device.collector = compiledMain === undefined
    ? startCollectorProcess({ configFile, cwd: base, env, ...(CPU_PROF_DIR ? { execArgv: ['--cpu-prof', '--cpu-prof-dir', CPU_PROF_DIR] } : {}) })
    : startCompiled(configFile, base, env);
  await device.collector.started(60_000);
  return device;
}

function startCompiled(configFile: string, cwd: string, env: NodeJS.ProcessEnv): CollectorProcess {
  return startCollectorProcess({ configFile, cwd, env, entry: compiledMain });
}

/** Appends the lines due by now for every device (line n of a device at n / rate seconds after `t0`). */
function writeDue(devices: readonly Device[], rate: number, t0: number): void {
  const due = Math.floor(((Date.now() - t0) / 1000) * rate);
  for (const d of devices) {
    let text = '';
    const from = d.writtenAt.length;
    for (let n = from; n < due; n += 1) {
      const e = d.simulator.next();
      text += `${JSON.stringify({ timestamp: new Date().toISOString(), level: e.level, component: e.component, message: e.message, context: { ...e.context, n } })}\n`;
    }
    if (text === '') continue;
    appendFileSync(d.logFile, text);
    const at = Date.now();
    for (let n = from; n < due; n += 1) d.writtenAt.push(at);
  }
}

async function latencyRun(backend: RunningBackend): Promise<void> {
  const devices: Device[] = [];
  for (let i = 0; i < DEVICES; i += 1) devices.push(await startDevice(backend, `VM-BENCH-${i + 1}`));
  const byId = new Map(devices.map((d) => [d.id, d]));
  const seen = devices.map(() => new Set<number>());
  const total: number[] = [];
  const deviceSide: number[] = [];
  const backendSide: number[] = [];
  let stopPolling = false;
  let polls = 0;
  let pollMsTotal = 0;
  const poller = (async () => {
    while (!stopPolling) {
      const started = Date.now();
      const rows = await backend.backend.store.engine.query<{ m: string; n: string; r: string }>(
        `SELECT machine_id AS m, attributes['n'] AS n, toString(toUnixTimestamp64Milli(received_at)) AS r
FROM fleet.logs WHERE received_at >= fromUnixTimestamp64Milli({since:Int64}) AND event_name = ''`, { since: started - 6_000 });
      polls += 1;
      pollMsTotal += Date.now() - started;
      for (const row of rows) {
        const d = byId.get(row.m);
        if (!d) continue;
        const n = Number(row.n);
        const s = seen[devices.indexOf(d)]!;
        if (s.has(n)) continue;
        s.add(n);
        const w = d.writtenAt[n]!;
        total.push(started - w);
        deviceSide.push(Number(row.r) - w);
        backendSide.push(started - Number(row.r));
      }
      await sleep(Math.max(0, POLL_MS - (Date.now() - started)));
    }
  })();

  const cpu0 = devices.map((d) => cpuSeconds(d.collector!.pid));
  const t0 = Date.now();
  const writer = setInterval(() => writeDue(devices, RATE, t0), TICK_MS);
  await sleep(SECONDS * 1000);
  clearInterval(writer);
  writeDue(devices, RATE, t0);
  const wallS = (Date.now() - t0) / 1000;
  const cpu = devices.map((d, i) => cpuSeconds(d.collector!.pid) - cpu0[i]!);
  const rss = devices.map((d) => memoryMiB(d.collector!.pid, 'VmRSS'));
  const written = devices.reduce((n, d) => n + d.writtenAt.length, 0);
  const deadline = Date.now() + 60_000;
  while (seen.reduce((n, s) => n + s.size, 0) < written && Date.now() < deadline) await sleep(100);
  stopPolling = true;
  await poller;
  const stored = seen.reduce((n, s) => n + s.size, 0);
  for (const list of [total, deviceSide, backendSide]) list.sort((a, b) => a - b);
  const row = (name: string, list: number[]): string => `| ${name} | ${percentile(list, 50)} | ${percentile(list, 90)} | ${percentile(list, 99)} | ${list.at(-1)} |`;
  console.log(`\n## latency: ${DEVICES} devices × ${RATE} lines/s for ${wallS.toFixed(1)} s, backend batch_max_delay ${BACKEND_DELAY_MS} ms${BATCH_MAX_AGE ? `, otlp_http batch.max_age ${BATCH_MAX_AGE}` : ''}${COMPILED ? ', compiled collectors' : ''}`);
  console.log(`lines written ${written}, rows seen ${stored}${stored === written ? ' (all)' : ` — ${written - stored} MISSING`}; ${polls} polls, ${(pollMsTotal / polls).toFixed(1)} ms each`);
  console.log('| ms | p50 | p90 | p99 | max |\n| --- | ---: | ---: | ---: | ---: |');
  console.log(row('append → queryable (upper bound)', total));
  console.log(row('append → received by backend', deviceSide));
  console.log(row('received → queryable', backendSide));
  console.log(`collector CPU at ${RATE} lines/s: ${cpu.map((c) => `${((c / wallS) * 100).toFixed(1)} %`).join(', ')} of one core; RSS ${rss.map((r) => r.toFixed(0)).join(', ')} MiB`);
  await Promise.all(devices.map((d) => d.collector!.stop()));
}

async function costRun(backend: RunningBackend): Promise<void> {
  const device = await startDevice(backend, 'VM-BENCH-CPU');
  const pid = device.collector!.pid;
  const idleCpu0 = cpuSeconds(pid);
  await sleep(5_000);
  const idlePct = ((cpuSeconds(pid) - idleCpu0) / 5) * 100;
  const idleRss = memoryMiB(pid, 'VmRSS');
  const t0 = Date.now();
  const writer = setInterval(() => writeDue([device], CPU_RATE, t0), TICK_MS);
  await sleep(WARMUP_S * 1000);
  const cpu0 = cpuSeconds(pid);
  const split0 = cpuSplitSeconds(pid);
  const m0 = Date.now();
  const rss: number[] = [];
  for (let s = 0; s < CPU_SECONDS; s += 1) {
    await sleep(1000);
    rss.push(memoryMiB(pid, 'VmRSS'));
  }
  const measuredS = (Date.now() - m0) / 1000;
  const pct = ((cpuSeconds(pid) - cpu0) / measuredS) * 100;
  const split1 = cpuSplitSeconds(pid);
  const userPct = ((split1.user - split0.user) / measuredS) * 100;
  const systemPct = ((split1.system - split0.system) / measuredS) * 100;
  clearInterval(writer);
  writeDue([device], CPU_RATE, t0);
  const written = device.writtenAt.length;
  const count = async (): Promise<number> => Number((await backend.backend.store.engine.query<{ c: string }>(
    "SELECT count() AS c FROM fleet.logs WHERE machine_id = 'VM-BENCH-CPU' AND event_name = ''"))[0]!.c);
  const stopAt = Date.now();
  const deadline = stopAt + 120_000;
  while ((await count()) < written && Date.now() < deadline) await sleep(250);
  const stored = await count();
  const drainS = (Date.now() - stopAt) / 1000;
  const hwm = memoryMiB(pid, 'VmHWM');
  rss.sort((a, b) => a - b);
  console.log(`\n## cost: one collector (configs/pi-vending.yaml${NO_LOCAL_TIER ? ' without the local tier' : ''}) at ${CPU_RATE} lines/s${COMPILED ? ', compiled' : ''}${NODE_OPTIONS ? `, NODE_OPTIONS=${NODE_OPTIONS}` : ''}`);
  console.log(`idle: ${idlePct.toFixed(1)} % CPU, RSS ${idleRss.toFixed(0)} MiB`);
  console.log(`at ${CPU_RATE} lines/s over ${CPU_SECONDS} s: CPU ${pct.toFixed(1)} % of one core (user ${userPct.toFixed(1)} %, system ${systemPct.toFixed(1)} %); RSS median ${percentile(rss, 50).toFixed(0)} MiB, max ${rss.at(-1)!.toFixed(0)} MiB; peak (VmHWM) ${hwm.toFixed(0)} MiB`);
  console.log(`lines written ${written}, rows stored ${stored}${stored >= written ? ' (all)' : ` — ${written - stored} MISSING`}, the last ${drainS.toFixed(1)} s after the writing stopped`);
  if (stored < written) console.log(device.collector!.output().slice(-3000));
  await device.collector!.stop();
}

const base = defaultBackendConfig({ path: join(dir, 'clickhouse'), adminToken: 'bench-admin-token-0123456789' });
const config: BackendConfig = { ...base, host: '127.0.0.1', port: 0, ingest: { ...base.ingest, batchMaxDelayMs: BACKEND_DELAY_MS } };
const store = await openStore(config.storage);
const backend = await startBackend(config, { store });
try {
  console.log(`machine: ${process.arch}, Node ${process.version}; backend in this process (embedded chDB), collectors as processes${COMPILED ? ' (compiled JS)' : ' (tsx)'}`);
  if (SECONDS > 0) await latencyRun(backend);
  if (CPU_SECONDS > 0) await costRun(backend);
} finally {
  await backend.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}

// CPU and memory of `fleetlog collector` (file_log → file) at a steady write rate — the device's normal day,
// as opposed to the catch-up throughput of bench/file-log-to-file.ts. A writer appends Python logging lines
// at `--rate` lines/s (in 20 ms ticks) for `--seconds`; the collector's CPU is sampled from /proc after a
// warm-up, and every line is checked to have arrived.
//
//   node --import tsx bench/file-log-steady.ts [--rate 5000] [--seconds 30] [--exporter file|otlp_http|both]
//                                              [--bin PATH] [--cpu-prof DIR] [--node-options "…"] [--format python|json]
//
// --format json writes PRD JSON lines (toISOString time, level, component, message, context: what the demo's
// vending simulator writes) instead of Python logging lines, parsed with `auto` as configs/pi-vending.yaml does
// (Python lines: `python`, as before).
// With `--exporter otlp_http` the collector sends (protobuf, gzip) to a sink in this process that answers 200
// to every request; "delivered" is then the collector's own fleetlog_exporter_sent_records_total. `both` is the
// shape of configs/pi-vending.yaml (file_log → local `file` tier + otlp_http, two durable queues); delivered is then
// the lines in the file and sent records counts both exporters. --bin runs another entry point (e.g. a built
// tree's bin/fleetlog.js; default this checkout's, which runs dist/ when built, else tsx); --cpu-prof writes a V8
// CPU profile of the collector into DIR.
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { appendFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FLEETLOG_BIN, startCollectorProcess } from '../demo/collector-process.js';
import { countLines } from './count-lines.js';
import { freePort } from '../collector/testkit/free-port.js';
import { cpuSeconds, memoryMiB, threadCpuSeconds } from './proc-usage.js';
import { sentRecords } from './sent-records.js';

const args = process.argv.slice(2);
const argValue = (name: string, fallback: number): number => {
  const i = args.indexOf(name);
  return i === -1 ? fallback : Number(args[i + 1]);
};
const RATE = argValue('--rate', 5000);
const SECONDS = argValue('--seconds', 30);
const argText = (name: string, fallback: string): string => {
  const i = args.indexOf(name);
  return i === -1 ? fallback : args[i + 1]!;
};
const EXPORTER = argText('--exporter', 'file');
if (EXPORTER !== 'file' && EXPORTER !== 'otlp_http' && EXPORTER !== 'both') throw new Error(`--exporter file|otlp_http|both, not ${EXPORTER}`);
const BIN = argText('--bin', FLEETLOG_BIN);
const CPU_PROF_DIR = argText('--cpu-prof', '');
const NODE_OPTIONS = argText('--node-options', '');
const FORMAT = argText('--format', 'python');
if (FORMAT !== 'python' && FORMAT !== 'json') throw new Error(`--format python|json, not ${FORMAT}`);
const WARMUP_SECONDS = 3;
const TICK_MS = 20;

const dir = mkdtempSync(join(tmpdir(), 'fleetlog-bench-steady-'));
try {
  const input = join(dir, 'vending_machine.log');
  const output = join(dir, 'out.jsonl');
  const config = join(dir, 'collector.yaml');
  writeFileSync(input, '');
  let requests = 0;
  const sink = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      requests += 1;
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  sink.listen(0, '127.0.0.1');
  await once(sink, 'listening');
  const metricsPort = await freePort();
  const fileYaml = `file: { path: ${output}, max_bytes: 4GiB }`;
  const otlpYaml = `otlp_http: { endpoint: 'http://127.0.0.1:${(sink.address() as AddressInfo).port}' }`;
  const exporterYaml = EXPORTER === 'file' ? fileYaml : EXPORTER === 'otlp_http' ? otlpYaml : `${fileYaml}\n  ${otlpYaml}`;
  const exporterIds = EXPORTER === 'both' ? 'file, otlp_http' : EXPORTER;
  writeFileSync(config, `
receivers:
  file_log: { include: [${input}], parser: ${FORMAT === 'json' ? 'auto' : 'python'}, start_at: beginning }
exporters:
  ${exporterYaml}
service:
  storage: { directory: ${join(dir, 'data')} }
  telemetry: { metrics: { address: 127.0.0.1:${metricsPort} } }
  pipelines:
    logs: { receivers: [file_log], exporters: [${exporterIds}] }
`);
  const execArgv = CPU_PROF_DIR ? ['--cpu-prof', '--cpu-prof-dir', CPU_PROF_DIR] : [];
  const collector = startCollectorProcess({ configFile: config, entry: BIN, execArgv, env: NODE_OPTIONS ? { NODE_OPTIONS } : {} });
  await collector.started(60_000);
  const pid = collector.pid;
  let written = 0;
  const started = performance.now();
  let cpuAtWarm = 0;
  let threadsAtWarm = new Map<string, number>();
  let warmAt = 0;
  let peakRss = 0;
  const perTick = RATE * TICK_MS / 1000;
  for (let tick = 0; ; tick += 1) {
    const elapsed = (performance.now() - started) / 1000;
    if (elapsed >= SECONDS + WARMUP_SECONDS) break;
    if (warmAt === 0 && elapsed >= WARMUP_SECONDS) {
      warmAt = performance.now();
      cpuAtWarm = cpuSeconds(pid);
      threadsAtWarm = threadCpuSeconds(pid);
    }
    const due = Math.floor((tick + 1) * perTick);
    let text = '';
    for (; written < due; written += 1) {
      const iso = new Date(Date.UTC(2026, 0, 22) + written).toISOString();
      text += FORMAT === 'json'
        ? `${JSON.stringify({ timestamp: iso, level: 'INFO', component: 'payment', message: `Card approved for transaction ${written}`, context: { transaction_id: `t${written}`, amount_cents: written % 5000 } })}\n`
        : `${iso.replace('T', ' ').replace('Z', '').replace('.', ',')} - payment - INFO - Card approved for transaction ${written}\n`;
    }
    appendFileSync(input, text);
    peakRss = Math.max(peakRss, memoryMiB(pid, 'VmRSS'));
    const next = started + (tick + 1) * TICK_MS;
    await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
  }
  const measured = (performance.now() - warmAt) / 1000;
  const cpu = cpuSeconds(pid) - cpuAtWarm;
  const threads = [...threadCpuSeconds(pid)].map(([name, s]) => `${name} ${((s - (threadsAtWarm.get(name) ?? 0)) / measured * 100).toFixed(1)} %`);
  const hwm = memoryMiB(pid, 'VmHWM');
  const drainDeadline = Date.now() + 30_000;
  const target = EXPORTER === 'both' ? 2 * written : written;
  while ((await sentRecords(metricsPort)) < target && Date.now() < drainDeadline) await new Promise((r) => setTimeout(r, 200));
  const sent = await sentRecords(metricsPort);
  await collector.stop(60_000);
  sink.close();
  const delivered = EXPORTER === 'otlp_http' ? sent : existsSync(output) ? await countLines(output) : 0; // --rate 0: no output file
  process.stdout.write(`exporter ${EXPORTER} (${BIN}), ${FORMAT} lines: rate ${RATE} lines/s for ${SECONDS} s (after ${WARMUP_SECONDS} s warm-up): ${written} lines written, ${delivered} delivered${EXPORTER === 'file' ? '' : ` (${sent} sent records in all), ${requests} requests`}\n`);
  process.stdout.write(`collector threads: ${threads.join(', ')}\n`);
  process.stdout.write(`collector CPU ${(cpu / measured * 100).toFixed(1)} % of one core; RSS peak sampled ${peakRss.toFixed(1)} MiB, VmHWM ${hwm.toFixed(1)} MiB\n`);
  process.stdout.write(`${JSON.stringify({ exporter: EXPORTER, rate: RATE, seconds: SECONDS, written, delivered, cpuPercent: Number((cpu / measured * 100).toFixed(1)), rssPeakMiB: Number(peakRss.toFixed(1)), hwmMiB: Number(hwm.toFixed(1)) })}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

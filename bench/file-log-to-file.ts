// Throughput baseline of file_log → file (issue 2): a 2,000,000-line file, half Python logging lines, half PRD
// JSON entries, read from the beginning and written as JSON lines.
//
//   node --import tsx bench/file-log-to-file.ts [--lines N] [--keep]
//
// Two measurements:
//   collector  `fleetlog collector` as a child process — the whole host: pipeline, durable disk queue (defaults),
//              delivery loop, file exporter. CPU from /proc/<pid>/stat, peak RSS from VmHWM, completion from the
//              collector's own /metrics (fleetlog_exporter_sent_records_total), output lines counted afterwards.
//   plugins    the receiver and the exporter alone in one process (a consumer that calls send() directly, no
//              queue): what the two plugins cost by themselves.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCollectorProcess } from '../demo/collector-process.js';
import { countLines } from './count-lines.js';
import { freePort } from '../collector/testkit/free-port.js';
import { cpuSeconds, memoryMiB } from './proc-usage.js';
import { sentRecords } from './sent-records.js';

const args = process.argv.slice(2);
const argValue = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i === -1 ? undefined : args[i + 1];
};
const LINES = Number(argValue('--lines') ?? 2_000_000);
const COMPONENTS = ['payment', 'motor', 'flowmeter', 'door', 'txn', 'cooling'];
const LEVELS = ['DEBUG', 'INFO', 'INFO', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'];

function pythonLine(i: number, ms: number): string {
  const t = new Date(ms).toISOString().replace('T', ' ').replace('Z', '').replace('.', ',');
  return `${t} - ${COMPONENTS[i % 6]} - ${LEVELS[i % 7]} - Authorization attempt ${i} finished after ${i % 30} seconds\n`;
}

function jsonLine(i: number, ms: number): string {
  return `${JSON.stringify({
    timestamp: new Date(ms).toISOString(), level: LEVELS[i % 7] === 'WARNING' ? 'WARN' : LEVELS[i % 7], component: COMPONENTS[i % 6],
    message: `Dispensed product ${i % 40} in ${i % 900} ms`, context: { transaction_id: `t${i}`, amount_cents: i % 5000, retry_count: i % 4 },
  })}\n`;
}

async function generate(path: string, lines: number): Promise<number> {
  const out = createWriteStream(path);
  const start = Date.UTC(2026, 0, 22, 0, 0, 0);
  for (let i = 0; i < lines;) {
    let chunk = '';
    for (const end = Math.min(i + 10_000, lines); i < end; i += 1) chunk += (i % 2 === 0 ? pythonLine : jsonLine)(i, start + i * 10);
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return statSync(path).size;
}

interface Result {
  mode: string;
  lines: number;
  seconds: number;
  linesPerSecond: number;
  cpuSeconds: number;
  cpuSecondsPerMillion: number;
  peakRssMiB: number;
  outputLines: number;
}

function result(mode: string, seconds: number, cpu: number, rss: number, outputLines: number): Result {
  return {
    mode, lines: LINES, seconds: Number(seconds.toFixed(2)), linesPerSecond: Math.round(LINES / seconds),
    cpuSeconds: Number(cpu.toFixed(2)), cpuSecondsPerMillion: Number((cpu / (LINES / 1e6)).toFixed(2)),
    peakRssMiB: Number(rss.toFixed(1)), outputLines,
  };
}

async function benchCollector(dir: string, input: string): Promise<Result> {
  const port = await freePort();
  const output = join(dir, 'collector-out.jsonl');
  const config = join(dir, 'collector.yaml');
  writeFileSync(config, `
receivers:
  file_log:
    include: [${input}]
    start_at: beginning
    parser: auto
exporters:
  file:
    path: ${output}
    max_bytes: 4GiB
service:
  storage: { directory: ${join(dir, 'collector-data')} }
  telemetry: { metrics: { address: 127.0.0.1:${port} } }
  pipelines:
    logs: { receivers: [file_log], exporters: [file] }
`);
  const collector = startCollectorProcess({ configFile: config });
  const pid = collector.pid;
  const deadline = Date.now() + 30 * 60_000;
  await collector.started(deadline - Date.now());
  const t0 = performance.now();
  const cpu0 = cpuSeconds(pid);
  let sent = 0;
  while (sent < LINES) {
    if (collector.child.exitCode !== null || Date.now() > deadline) throw new Error(`collector stopped early (${sent} sent):\n${collector.output()}`);
    await new Promise((r) => setTimeout(r, 200));
    sent = await sentRecords(port);
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds(pid) - cpu0;
  const rss = memoryMiB(pid, 'VmHWM');
  await collector.stop(60_000);
  return result('collector (host + disk queue + file exporter)', seconds, cpu, rss, await countLines(output));
}

async function benchPlugins(dir: string, input: string): Promise<Result> {
  const { FileLogReceiver } = await import('../plugins/receivers/file_log/receiver.js');
  const { toOptions: receiverOptions } = await import('../plugins/receivers/file_log/config.js');
  const { FileExporter } = await import('../plugins/exporters/file/exporter.js');
  const { toOptions: exporterOptions } = await import('../plugins/exporters/file/config.js');
  const { createNopSettings } = await import('../collector/testkit/nop-settings.js');
  const output = join(dir, 'plugins-out.jsonl');
  const exporterSettings = createNopSettings('exporter', 'file/bench', { storageDir: join(dir, 'plugins-exporter') });
  const exporter = new FileExporter(exporterSettings, exporterOptions({ path: output, max_bytes: '4GiB' }));
  await exporter.start();
  const signal = new AbortController().signal;
  let received = 0;
  let done: () => void = () => {};
  const finished = new Promise<void>((resolve) => { done = resolve; });
  const receiverSettings = createNopSettings('receiver', 'file_log/bench', { storageDir: mkdtempSync(join(dir, 'plugins-receiver-')) });
  const receiver = new FileLogReceiver(receiverSettings, receiverOptions({ include: [input], start_at: 'beginning', parser: 'auto' }), {
    consume: async (batch) => {
      const sent = await exporter.send(batch, signal);
      if (sent.outcome !== 'ok') throw new Error(`send: ${JSON.stringify(sent)}`);
      received += batch.records.length;
      if (received >= LINES) done();
    },
  });
  statSync(input); // fails now rather than waiting for a file that is not there
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await receiver.start();
  let lastCount = -1;
  const watchdog = setInterval(() => {
    if (received === lastCount) {
      process.stderr.write(`no progress for 60 s at ${received} of ${LINES} records\n`);
      process.exit(1);
    }
    lastCount = received;
  }, 60_000);
  await finished;
  clearInterval(watchdog);
  const seconds = (performance.now() - t0) / 1000;
  const usage = process.cpuUsage(cpu0);
  await receiver.shutdown();
  await exporter.shutdown();
  const rss = process.resourceUsage().maxRSS / 1024;
  return result('plugins only (file_log → file, in one process)', seconds, (usage.user + usage.system) / 1e6, rss, await countLines(output));
}

if (args.includes('--plugins-child')) {
  // Run in its own process so that its peak RSS is its own.
  const r = await benchPlugins(argValue('--dir')!, argValue('--input')!);
  process.stdout.write(`${JSON.stringify(r)}\n`);
} else {
  const dir = mkdtempSync(join(tmpdir(), 'fleetlog-bench-file-log-'));
  try {
    const input = join(dir, 'input.log');
    const bytes = await generate(input, LINES);
    process.stdout.write(`input: ${LINES} lines, ${(bytes / 1024 / 1024).toFixed(1)} MiB (half Python, half JSON)\n`);
    process.stdout.write(`machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, node ${process.version}\n`);
    const results: Result[] = [await benchCollector(dir, input)];
    const child = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, '--plugins-child', '--dir', dir, '--input', input, '--lines', String(LINES)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.on('data', (c: Buffer) => { text += c.toString(); });
    await once(child, 'exit');
    results.push(JSON.parse(text.trim().split('\n').at(-1)!) as Result);
    process.stdout.write('| mode | lines/s | CPU-s per 1M lines | peak RSS MiB | wall s | output lines |\n| --- | --- | --- | --- | --- | --- |\n');
    for (const r of results) {
      process.stdout.write(`| ${r.mode} | ${r.linesPerSecond.toLocaleString('en')} | ${r.cpuSecondsPerMillion} | ${r.peakRssMiB} | ${r.seconds} | ${r.outputLines.toLocaleString('en')} |\n`);
    }
    process.stdout.write(`${JSON.stringify(results)}\n`);
  } finally {
    if (!args.includes('--keep')) rmSync(dir, { recursive: true, force: true });
  }
}

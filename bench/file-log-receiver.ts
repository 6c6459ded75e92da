// What `file_log` and the host's receiver side cost per line, without exporters: the receiver tails a
// pre-written file (Python logging lines like bench/file-log-steady.ts writes, or PRD JSON lines) through the
// host's ReceiverOutput (service.resource, boot id, accepted counter) and a FanOut into a consumer that only
// counts — so the figures are the read, split, parse, record building and host bookkeeping alone.
//
//   node --import tsx bench/file-log-receiver.ts [--lines 500000] [--parser python|json|auto] [--runs 3]
//                                                [--alloc-profile FILE]
//
// Reports CPU-seconds per million lines, and the garbage collections seen while reading (count and pause time by
// kind: scavenges are a proxy for bytes allocated, as each one empties a fixed-size young generation).
// --alloc-profile writes a V8 sampling heap profile of the last run that counts every allocation, including the
// objects already collected (what the young generation churns through), to FILE (.heapprofile, DevTools).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver, constants, type PerformanceEntry } from 'node:perf_hooks';
import { FanOut } from '../collector/pipeline/fan-out.js';
import { ReceiverOutput } from '../collector/pipeline/instrument.js';
import { MetricsRegistry } from '../collector/telemetry/metrics-registry.js';
import type { LogBatch, LogsConsumer } from '../collector/component/index.js';
import { createNopSettings } from '../collector/testkit/nop-settings.js';
import { toOptions } from '../plugins/receivers/file_log/config.js';
import { FileLogReceiver } from '../plugins/receivers/file_log/receiver.js';

const args = process.argv.slice(2);
const argText = (name: string, fallback: string): string => {
  const i = args.indexOf(name);
  return i === -1 ? fallback : args[i + 1]!;
};
const LINES = Number(argText('--lines', '500000'));
const RUNS = Number(argText('--runs', '3'));
const ALLOC_PROFILE = argText('--alloc-profile', '');
const PARSER = argText('--parser', 'python');
if (PARSER !== 'python' && PARSER !== 'json' && PARSER !== 'auto') throw new Error(`--parser python|json|auto, not ${PARSER}`);

function line(i: number): string {
  const ms = Date.UTC(2026, 0, 22) + i;
  const json = PARSER === 'json' || (PARSER === 'auto' && i % 2 === 1);
  if (json) {
    return `${JSON.stringify({
      timestamp: new Date(ms).toISOString(), level: 'INFO', component: 'payment',
      message: `Card approved for transaction ${i}`, context: { transaction_id: `t${i}`, amount_cents: i % 5000 },
    })}\n`;
  }
  const t = new Date(ms).toISOString().replace('T', ' ').replace('Z', '').replace('.', ',');
  return `${t} - payment - INFO - Card approved for transaction ${i}\n`;
}

interface RunResult {
  cpuSecondsPerMillion: number;
  scavenges: number;
  scavengeMs: number;
  majorGcs: number;
  majorGcMs: number;
}

async function run(dir: string, input: string, index: number, session?: Session): Promise<RunResult> {
  const gcs: { kind: number; ms: number }[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcs.push({ kind: (entry as PerformanceEntry & { detail: { kind: number } }).detail.kind, ms: entry.duration });
  });
  const settings = createNopSettings('receiver', 'file_log', { storageDir: mkdtempSync(join(dir, `receiver-${index}-`)) });
  const registry = new MetricsRegistry();
  let received = 0;
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => { done = resolve; });
  const sink: LogsConsumer = {
    consume: (batch: LogBatch) => {
      received += batch.records.length;
      if (received >= LINES) done();
      return Promise.resolve();
    },
  };
  const next = new ReceiverOutput(new FanOut([{ consumer: sink, mutates: false }]), { 'device.id': 'vm-bench-001', site: 'bench' },
    registry.meter({ receiver: 'file_log' }), 'b0a7e1d2-0000-4000-8000-000000000000');
  const receiver = new FileLogReceiver(settings, toOptions({ include: [input], start_at: 'beginning', parser: PARSER as 'python' }), next);
  if (session) {
    // Counting collected objects too (Node's types do not list these two flags yet).
    const sampling = { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true };
    await session.post('HeapProfiler.startSampling', sampling);
  }
  observer.observe({ entryTypes: ['gc'] });
  const cpu0 = process.cpuUsage();
  await receiver.start();
  const watchdog = setTimeout(() => {
    process.stderr.write(`no end after 120 s: ${received} of ${LINES} records\n`);
    process.exit(1);
  }, 120_000);
  await finished;
  clearTimeout(watchdog);
  const usage = process.cpuUsage(cpu0);
  observer.disconnect();
  if (session) {
    const { profile } = await session.post('HeapProfiler.stopSampling');
    writeFileSync(ALLOC_PROFILE, JSON.stringify(profile));
  }
  await receiver.shutdown();
  const minor = gcs.filter((g) => g.kind === constants.NODE_PERFORMANCE_GC_MINOR);
  const major = gcs.filter((g) => g.kind === constants.NODE_PERFORMANCE_GC_MAJOR);
  const sum = (list: { ms: number }[]): number => Number(list.reduce((s, g) => s + g.ms, 0).toFixed(1));
  return {
    cpuSecondsPerMillion: Number(((usage.user + usage.system) / 1e6 / (LINES / 1e6)).toFixed(3)),
    scavenges: minor.length, scavengeMs: sum(minor), majorGcs: major.length, majorGcMs: sum(major),
  };
}

const dir = mkdtempSync(join(tmpdir(), 'fleetlog-bench-receiver-'));
try {
  const input = join(dir, 'input.log');
  let text = '';
  for (let i = 0; i < LINES; i += 1) text += line(i);
  writeFileSync(input, text);
  text = '';
  process.stdout.write(`file_log (${PARSER}) → ReceiverOutput → FanOut → counting consumer: ${LINES} lines, ${RUNS} runs (the first warms up)\n`);
  for (let i = 0; i < RUNS; i += 1) {
    let session: Session | undefined;
    if (ALLOC_PROFILE && i === RUNS - 1) {
      session = new Session();
      session.connect();
    }
    process.stdout.write(`${JSON.stringify(await run(dir, input, i, session))}\n`);
    session?.disconnect();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

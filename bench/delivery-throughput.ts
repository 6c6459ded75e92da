// Durable delivery bench: `node --import tsx bench/delivery-throughput.ts [--records N] [--runs R] [--idle-seconds S]`
//
// Each mode runs in its own child process (so /proc/self/io counts only that run): a delivery node in front of an
// exporter that accepts everything at once, fed by 4 concurrent producers in batches of 100 records (a receiver's
// behaviour: the next batch after consume() resolves). Measured per mode:
//   - records/s from the first consume() to the last record acknowledged by the exporter, and CPU-s per 1M records
//     (the whole process, and its main thread alone: the rest is the libuv pool's fs calls and V8's GC helpers);
//   - disk bytes written (write_bytes of /proc/self/io) per byte of log ingested — the ingested size of a record is
//     its Python-logging line (`2026-01-22 14:30:15,123 - payment - INFO - message`);
//   - idle: after the queue drained and 2 s of settling, over --idle-seconds: write_bytes of the process, and write
//     syscalls of the main thread (the tsx loader's worker thread wakes on its own timer and writes to an eventfd,
//     which is not I/O of ours, so the process-wide syscw is not used).
// Modes: queue off (memory), queue.mode direct (no queue: consume() sends; the exporter here does no I/O, so this is
// the node's own cost), queue on with fsync batch (the default), always, interval.
// Then a trickle (--trickle-seconds, default 10; 0 skips): 2 records every 200 ms, the disk bytes a slow source costs.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Exporter } from '../collector/component/contract.js';
import { msToUnixNano, type LogBatch, type LogRecord } from '../collector/component/log-record.js';
import { toDeliveryConfig, type DeliveryYaml } from '../collector/delivery/config.js';
import { createDeliveryNode } from '../collector/delivery/delivery-node.js';
import { threadCpuSeconds } from './proc-usage.js';

type Mode = 'memory' | 'direct' | 'batch' | 'always' | 'interval';
const MODES: readonly Mode[] = ['memory', 'direct', 'batch', 'interval', 'always'];

function queueYaml(mode: Mode): DeliveryYaml['queue'] {
  if (mode === 'memory') return { enabled: false };
  if (mode === 'direct') return { mode: 'direct' };
  return { fsync: mode, fsync_interval: '1s' };
}

function modeLabel(mode: Mode): string {
  return mode === 'memory' ? 'off (memory)' : mode === 'direct' ? 'direct (no queue)' : `on, fsync ${mode}`;
}

interface ChildResult {
  mode: Mode;
  records: number;
  seconds: number;
  recordsPerSecond: number;
  cpuSecondsPerMillion: number;
  mainCpuSecondsPerMillion: number;
  ingestedBytes: number;
  writeBytes: number;
  writeBytesPerIngestedByte: number;
  fsyncs: number;
  idleSeconds: number;
  idleWriteSyscallsPerSecond: number;
  idleWriteBytesPerSecond: number;
}

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/** /proc/self/io, or the main thread's own counters (`task/<pid>/io`, without worker threads) with `mainThread`. */
function procIo(mainThread = false): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of readFileSync(mainThread ? `/proc/self/task/${process.pid}/io` : '/proc/self/io', 'utf8').split('\n')) {
    const [key, value] = line.split(':');
    if (key && value) out[key.trim()] = Number(value.trim());
  }
  return out;
}

const COMPONENTS = ['payment', 'motor', 'door', 'flowmeter', 'txn'];
const LEVELS: [string, number][] = [['DEBUG', 5], ['INFO', 9], ['INFO', 9], ['WARN', 13], ['ERROR', 17]];

function makeBatches(total: number, perBatch: number): { batches: LogBatch[]; ingestedBytes: number } {
  const batches: LogBatch[] = [];
  let ingestedBytes = 0;
  const t0 = Date.UTC(2026, 0, 22, 14, 0, 0);
  for (let start = 0; start < total; start += perBatch) {
    const records: LogRecord[] = [];
    for (let i = start; i < Math.min(total, start + perBatch); i += 1) {
      const [levelName, severity] = LEVELS[i % LEVELS.length]!;
      const component = COMPONENTS[i % COMPONENTS.length]!;
      const message = `event ${i}: dispensed slot ${i % 60}, amount ${i % 977} cents, txn ${(i * 2654435761) >>> 0}`;
      const time = t0 + i;
      const line = `${new Date(time).toISOString().replace('T', ' ').replace('Z', '').replace('.', ',')} - ${component} - ${levelName} - ${message}\n`;
      ingestedBytes += Buffer.byteLength(line);
      records.push({
        timeUnixNano: msToUnixNano(time), observedTimeUnixNano: msToUnixNano(time), severityNumber: severity, severityText: levelName,
        body: message, attributes: { component, 'log.file.path': '/var/log/vending_machine.log' }, recordId: `f00dfeed:${i * 120}`,
      });
    }
    batches.push({ resource: { 'device.id': 'VM001', site: 'lab' }, records });
  }
  return { batches, ingestedBytes };
}

interface TrickleResult {
  mode: Mode;
  seconds: number;
  records: number;
  ingestedBytes: number;
  writeBytesPerSecond: number;
  writeBytesPerIngestedByte: number;
  fsyncsPerSecond: number;
}

/** A slow source: every 200 ms a batch of 2 records (a receiver polling a file a machine writes slowly to). */
async function trickle(mode: Mode, seconds: number): Promise<TrickleResult> {
  const dir = mkdtempSync(join(tmpdir(), 'fleetlog-bench-trickle-'));
  const exporter: Exporter = { async start() {}, async shutdown() {}, async send() { return { outcome: 'ok' }; } };
  const noop = { add() {}, set() {} };
  const logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => logger };
  const settings = { id: 'bench', kind: 'exporter' as const, logger, meter: { counter: () => noop, gauge: () => noop }, storageDir: dir, resource: {}, reportStatus() {} };
  const config = toDeliveryConfig({ queue: queueYaml(mode) });
  const node = createDeliveryNode({ settings, exporter, config, directory: join(dir, 'queue') });
  await node.start();
  const ticks = Math.round((seconds * 1000) / 200);
  const { batches, ingestedBytes } = makeBatches(ticks * 2, 2);
  const io0 = procIo();
  for (const batch of batches) {
    await node.consume(batch);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const io1 = procIo();
  const fsyncs = node.stats().fsyncs;
  await node.shutdown();
  rmSync(dir, { recursive: true, force: true });
  const writeBytes = io1.write_bytes! - io0.write_bytes!;
  return {
    mode, seconds, records: ticks * 2, ingestedBytes, writeBytesPerSecond: writeBytes / seconds,
    writeBytesPerIngestedByte: writeBytes / ingestedBytes, fsyncsPerSecond: fsyncs / seconds,
  };
}

async function child(mode: Mode, total: number, idleSeconds: number): Promise<ChildResult> {
  const dir = mkdtempSync(join(tmpdir(), 'fleetlog-bench-delivery-'));
  let accepted = 0;
  let drained: () => void = () => {};
  const done = new Promise<void>((resolve) => { drained = resolve; });
  const exporter: Exporter = {
    async start() {}, async shutdown() {},
    async send(batch) {
      accepted += batch.records.length;
      if (accepted >= total) drained();
      return { outcome: 'ok' };
    },
  };
  const noop = { add() {}, set() {} };
  const logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => logger };
  const settings = {
    id: 'bench', kind: 'exporter' as const, logger, meter: { counter: () => noop, gauge: () => noop },
    storageDir: dir, resource: {}, reportStatus() {},
  };
  const config = toDeliveryConfig({ queue: queueYaml(mode) });
  const node = createDeliveryNode({ settings, exporter, config, directory: join(dir, 'queue') });
  await node.start();
  const { batches, ingestedBytes } = makeBatches(total, 100);
  const io0 = procIo();
  const cpu0 = process.cpuUsage();
  const main0 = threadCpuSeconds(process.pid).get('main')!;
  const t0 = process.hrtime.bigint();
  let next = 0;
  const producer = async (): Promise<void> => {
    while (next < batches.length) await node.consume(batches[next++]!);
  };
  await Promise.all([producer(), producer(), producer(), producer()]);
  await done;
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const mainCpuSeconds = threadCpuSeconds(process.pid).get('main')! - main0;
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const io1 = procIo();
  const main1 = procIo(true);
  await new Promise((resolve) => setTimeout(resolve, idleSeconds * 1000));
  const io2 = procIo();
  const main2 = procIo(true);
  const fsyncs = node.stats().fsyncs;
  await node.shutdown();
  rmSync(dir, { recursive: true, force: true });
  const writeBytes = io1.write_bytes! - io0.write_bytes!;
  return {
    mode, records: total, seconds, recordsPerSecond: total / seconds,
    cpuSecondsPerMillion: ((cpu.user + cpu.system) / 1e6) * (1e6 / total), mainCpuSecondsPerMillion: mainCpuSeconds * (1e6 / total),
    ingestedBytes, writeBytes, writeBytesPerIngestedByte: writeBytes / ingestedBytes, fsyncs,
    idleSeconds, idleWriteSyscallsPerSecond: (main2.syscw! - main1.syscw!) / idleSeconds, idleWriteBytesPerSecond: (io2.write_bytes! - io1.write_bytes!) / idleSeconds,
  };
}

async function parent(): Promise<void> {
  const records = arg('--records', 200_000);
  const runs = arg('--runs', 1);
  const idleSeconds = arg('--idle-seconds', 10);
  const self = fileURLToPath(import.meta.url);
  console.log(`delivery bench: ${records} records per mode, ${runs} run(s); ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GB, node ${process.version}`);
  console.log('| run | queue | records/s | CPU-s per 1M (main thread) | disk bytes per ingested byte | fsyncs | idle write syscalls/s (main thread) | idle disk write bytes/s |');
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (let run = 1; run <= runs; run += 1) {
    for (const mode of MODES) {
      const result = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', mode, '--records', String(records), '--idle-seconds', String(idleSeconds)], { encoding: 'utf8', maxBuffer: 1 << 24 });
      if (result.status !== 0) throw new Error(`child ${mode} failed:\n${result.stderr}`);
      const r = JSON.parse(result.stdout.trim().split('\n').pop()!) as ChildResult;
      const label = modeLabel(mode);
      console.log(`| ${run} | ${label} | ${Math.round(r.recordsPerSecond).toLocaleString('en-US')} | ${r.cpuSecondsPerMillion.toFixed(1)} (${r.mainCpuSecondsPerMillion.toFixed(1)}) | ${r.writeBytesPerIngestedByte.toFixed(2)} | ${r.fsyncs} | ${r.idleWriteSyscallsPerSecond.toFixed(2)} | ${r.idleWriteBytesPerSecond.toFixed(0)} |`);
    }
  }
  const trickleSeconds = arg('--trickle-seconds', 10);
  if (trickleSeconds <= 0) return;
  console.log(`\ntrickle: 2 records every 200 ms for ${trickleSeconds} s, then 2 s to settle`);
  console.log('| queue | disk write bytes/s | disk bytes per ingested byte | fsyncs/s |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const mode of MODES) {
    const result = spawnSync(process.execPath, ['--import', 'tsx', self, '--trickle', mode, '--trickle-seconds', String(trickleSeconds)], { encoding: 'utf8', maxBuffer: 1 << 24 });
    if (result.status !== 0) throw new Error(`trickle ${mode} failed:\n${result.stderr}`);
    const r = JSON.parse(result.stdout.trim().split('\n').pop()!) as TrickleResult;
    const label = modeLabel(mode);
    console.log(`| ${label} | ${Math.round(r.writeBytesPerSecond).toLocaleString('en-US')} | ${r.writeBytesPerIngestedByte.toFixed(1)} | ${r.fsyncsPerSecond.toFixed(1)} |`);
  }
}

const childAt = process.argv.indexOf('--child');
const trickleAt = process.argv.indexOf('--trickle');
if (trickleAt >= 0) {
  trickle(process.argv[trickleAt + 1] as Mode, arg('--trickle-seconds', 10)).then(
    (r) => { process.stdout.write(`${JSON.stringify(r)}\n`); },
    (error: unknown) => { console.error(error); process.exitCode = 1; },
  );
} else if (childAt >= 0) {
  const mode = process.argv[childAt + 1] as Mode;
  child(mode, arg('--records', 200_000), arg('--idle-seconds', 10)).then(
    (r) => { process.stdout.write(`${JSON.stringify(r)}\n`); },
    (error: unknown) => { console.error(error); process.exitCode = 1; },
  );
} else {
  parent().catch((error: unknown) => { console.error(error); process.exitCode = 1; });
}

// Issue 3, acceptance 2, through `fleetlog collector`: file_log → an HTTP exporter (external plugin) with a tiny
// queue while the sink is down. block: the queue stays within max_bytes (file_log is held back), and when the sink
// returns every line arrives. drop_lowest_severity: only DEBUG/INFO/WARN are evicted, every ERROR/CRITICAL arrives,
// and delivered + evicted (reported in status.json) = written.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { startCollectorProcess, type CollectorProcess } from '../../demo/collector-process.js';
import { HTTP_PLUGIN } from './crash-harness.js';

const cleanups: (() => void)[] = [];
after(() => { for (const cleanup of cleanups.reverse()) cleanup(); });

const LEVELS = ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'] as const;
const levelOf = (seq: number): string => LEVELS[seq % 5]!;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());

interface Sink { server: Server; port: number; up: boolean; received: Map<number, number> }

async function startSink(): Promise<Sink> {
  const sink: Sink = { server: createServer(), port: 0, up: false, received: new Map() };
  sink.server.on('request', (req, res) => {
    if (!sink.up) {
      req.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      for (const body of JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown[]) {
        const seq = Number(/seq (\d+)/.exec(String(body))?.[1]);
        sink.received.set(seq, (sink.received.get(seq) ?? 0) + 1);
      }
      res.writeHead(200).end();
    });
  });
  sink.server.listen(0, '127.0.0.1');
  await once(sink.server, 'listening');
  sink.port = (sink.server.address() as AddressInfo).port;
  cleanups.push(() => { sink.server.closeAllConnections(); sink.server.close(); });
  return sink;
}

function setup(policy: 'block' | 'drop_lowest_severity', maxBytes: string, port: number): { dir: string; input: string; config: string; queueDir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'fleetlog-backpressure-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'logs'));
  writeFileSync(join(dir, 'crash-http.mjs'), HTTP_PLUGIN);
  const config = join(dir, 'collector.yaml');
  writeFileSync(config, `
plugins: [./crash-http.mjs]
receivers:
  file_log:
    include: ["${join(dir, 'logs')}/app.log"]
    parser: python
    time_zone: utc
    start_at: beginning
    poll_interval: 50ms
exporters:
  crash_http:
    url: http://127.0.0.1:${port}/logs
    queue: { max_bytes: ${maxBytes}, full_policy: ${policy} }
    retry: { initial_interval: 50ms, max_interval: 200ms }
    batch: { max_records: 200, max_age: 50ms }
service:
  storage: { directory: ${join(dir, 'state')} }
  pipelines:
    logs:
      receivers: [file_log]
      exporters: [crash_http]
`);
  return { dir, input: join(dir, 'logs', 'app.log'), config, queueDir: join(dir, 'state', 'queues', 'crash_http') };
}

function writeLines(input: string, count: number): void {
  let text = '';
  for (let seq = 0; seq < count; seq += 1) text += `2026-01-22 14:00:00,000 - crash - ${levelOf(seq)} - seq ${seq} ${'x'.repeat(60)}\n`;
  appendFileSync(input, text);
}

async function startCollector(config: string, cwd: string): Promise<CollectorProcess> {
  const collector = startCollectorProcess({ configFile: config, cwd });
  cleanups.push(() => collector.child.kill('SIGKILL'));
  await collector.started();
  return collector;
}

function queueBytes(queueDir: string): number {
  if (!existsSync(queueDir)) return 0;
  return readdirSync(queueDir).filter((n) => n.startsWith('seg-')).reduce((sum, n) => sum + (statSync(join(queueDir, n), { throwIfNoEntry: false })?.size ?? 0), 0);
}


test('block: a 64 KiB queue with the sink down holds file_log back and loses nothing when the sink returns', { timeout: 90_000 }, async () => {
  const sink = await startSink();
  const { dir, input, config, queueDir } = setup('block', '64KiB', sink.port);
  const lines = 5_000;
  writeLines(input, lines);
  const collector = await startCollector(config, dir);
  let peak = 0;
  const deadline = Date.now() + 4_000;
  while (Date.now() < deadline) {
    peak = Math.max(peak, queueBytes(queueDir));
    await sleep(50);
  }
  assert.ok(peak > 32 * 1024, `the queue filled up (peak ${peak} bytes)`);
  assert.ok(peak <= 64 * 1024, `the queue stayed within max_bytes (peak ${peak} bytes)`);
  assert.equal(sink.received.size, 0);
  sink.up = true;
  const settle = Date.now() + 45_000;
  while (sink.received.size < lines && Date.now() < settle) {
    peak = Math.max(peak, queueBytes(queueDir));
    await sleep(100);
  }
  await collector.stop(10_000);
  const missing = Array.from({ length: lines }, (_, i) => i).filter((i) => !sink.received.has(i));
  assert.deepEqual(missing.slice(0, 10), [], `${missing.length} lines lost`);
  assert.ok(peak <= 64 * 1024, `the queue stayed within max_bytes (peak ${peak} bytes)`);
});

test('drop_lowest_severity: only DEBUG/INFO/WARN are evicted; delivered + evicted = written', { timeout: 90_000 }, async () => {
  const sink = await startSink();
  const { dir, input, config, queueDir } = setup('drop_lowest_severity', '256KiB', sink.port);
  const lines = 5_000;
  writeLines(input, lines);
  const collector = await startCollector(config, dir);
  // ERROR/CRITICAL alone (2,000 lines) fit the queue; all 5,000 do not: wait until file_log has handed over
  // everything (the file is fully read when the queue stops growing) with the sink still down.
  let last = -1;
  for (let stable = 0, i = 0; stable < 10 && i < 300; i += 1) {
    const bytes = queueBytes(queueDir);
    stable = bytes === last && bytes > 0 ? stable + 1 : 0;
    last = bytes;
    await sleep(100);
  }
  sink.up = true;
  const settle = Date.now() + 45_000;
  const severe = Array.from({ length: lines }, (_, i) => i).filter((i) => levelOf(i) === 'ERROR' || levelOf(i) === 'CRITICAL');
  while (!severe.every((i) => sink.received.has(i)) && Date.now() < settle) await sleep(100);
  await sleep(500);
  await collector.stop(10_000);
  const status = JSON.parse(readFileSync(join(queueDir, 'status.json'), 'utf8')) as { droppedByPolicyRecords: number };
  const missing = Array.from({ length: lines }, (_, i) => i).filter((i) => !sink.received.has(i));
  console.log(`drop_lowest_severity: ${sink.received.size} of ${lines} delivered, ${status.droppedByPolicyRecords} evicted (reported), missing by level: ${
    JSON.stringify(Object.fromEntries(LEVELS.map((l) => [l, missing.filter((i) => levelOf(i) === l).length])))}`);
  assert.ok(status.droppedByPolicyRecords > 0, 'records were evicted');
  assert.deepEqual(missing.filter((i) => levelOf(i) === 'ERROR' || levelOf(i) === 'CRITICAL'), [], 'no ERROR or CRITICAL lost');
  assert.equal(sink.received.size + status.droppedByPolicyRecords, lines, 'delivered + evicted = written');
});

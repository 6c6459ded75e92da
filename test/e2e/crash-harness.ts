// The kill test of issue 3, shared by the short form (test/e2e/crash.test.ts, in `npm test`) and the long form
// (bench/crash-test.ts). A writer appends sequence-numbered lines to a log file that is rotated (rename + create);
// `fleetlog collector` runs file_log → the `file` exporter and → an HTTP exporter loaded as an external plugin
// (`plugins:`), whose sink refuses ~30 % of requests and is down for stretches; the collector is SIGKILLed at random
// moments and restarted. At the end every sequence number must be downstream (in both) at least once.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom } from '../../collector/testkit/seeded-random.js';

const repo = join(import.meta.dirname, '..', '..');

export interface CrashRunOptions {
  kills: number;
  linesPerSecond: number;
  /** Rename + create of the log file every this many ms. */
  rotateEveryMs: number;
  /** Share of sink requests answered 503. */
  refuseShare: number;
  seed: number;
  /** Give up waiting for the final delivery after this long. */
  settleTimeoutMs: number;
  /** queue.max_bytes of both exporters (default: the host default, 256 MiB); small values exercise back-pressure. */
  queueMaxBytes?: string;
  log?: (line: string) => void;
}

export interface SinkCount {
  lost: number;
  duplicates: number;
  firstLost: number[];
}

export interface CrashRunResult {
  lines: number;
  kills: number;
  rotations: number;
  killsBeforeStarted: number;
  file: SinkCount;
  http: SinkCount & { requests: number; refused: number; cutOff: number };
  elapsedMs: number;
  seed: number;
}


export const HTTP_PLUGIN = `// Test HTTP exporter: POSTs the batch's bodies as a JSON array; 2xx ok, 429/5xx/network retry, other 4xx drop.
export default {
  kind: 'exporter',
  type: 'crash_http',
  stability: 'development',
  configSchema: { type: 'object', additionalProperties: false, required: ['url'], properties: { url: { type: 'string' } } },
  create(settings, config) {
    return {
      async start() {},
      async shutdown() {},
      async send(batch, signal) {
        try {
          const response = await fetch(config.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(batch.records.map((r) => r.body)), signal });
          await response.arrayBuffer();
          if (response.ok) return { outcome: 'ok' };
          if (response.status === 429 || response.status >= 500) return { outcome: 'retry', reason: 'HTTP ' + response.status };
          return { outcome: 'drop', reason: 'HTTP ' + response.status };
        } catch (error) {
          return { outcome: 'retry', reason: String(error && error.message || error) };
        }
      },
    };
  },
};
`;

const line = (seq: number): string => {
  const t = new Date().toISOString().replace('T', ' ').replace('Z', '').replace('.', ',');
  return `${t} - crash - INFO - seq ${seq}\n`;
};

function countSeqs(found: Map<number, number>, lines: number): SinkCount {
  let lost = 0;
  let duplicates = 0;
  const firstLost: number[] = [];
  for (let seq = 0; seq < lines; seq += 1) {
    const n = found.get(seq) ?? 0;
    if (n === 0) {
      lost += 1;
      if (firstLost.length < 10) firstLost.push(seq);
    } else {
      duplicates += n - 1;
    }
  }
  return { lost, duplicates, firstLost };
}

export async function runCrashTest(options: CrashRunOptions): Promise<CrashRunResult> {
  const started = Date.now();
  const random = seededRandom(options.seed);
  const log = options.log ?? (() => {});
  const dir = mkdtempSync(join(tmpdir(), 'fleetlog-crash-'));
  const input = join(dir, 'logs', 'app.log');
  const fileOut = join(dir, 'out', 'file.jsonl');
  const children = new Set<ChildProcess>();
  let server: Server | undefined;
  let writer: NodeJS.Timeout | undefined;
  try {
    // ── the sink ──
    const received = new Map<number, number>();
    const sink = { down: false, refuseShare: options.refuseShare, requests: 0, refused: 0, cutOff: 0 };
    server = createServer((req, res) => {
      sink.requests += 1;
      if (sink.down) {
        sink.cutOff += 1;
        req.socket.destroy();
        return;
      }
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (random() < sink.refuseShare) {
          sink.refused += 1;
          res.writeHead(503).end();
          return;
        }
        const bodies = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown[];
        for (const body of bodies) {
          const match = /seq (\d+)/.exec(String(body));
          if (match) received.set(Number(match[1]), (received.get(Number(match[1])) ?? 0) + 1);
        }
        res.writeHead(200).end();
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as AddressInfo).port;

    // ── the config ──
    writeFileSync(join(dir, 'crash-http.mjs'), HTTP_PLUGIN);
    const config = join(dir, 'collector.yaml');
    const queue = options.queueMaxBytes === undefined ? '' : `\n    queue: { max_bytes: ${options.queueMaxBytes} }`;
    writeFileSync(config, `
plugins: [./crash-http.mjs]
receivers:
  file_log:
    include: ["${join(dir, 'logs')}/app.log*"]
    parser: python
    time_zone: utc
    start_at: beginning
    poll_interval: 50ms
    checkpoint_interval: 200ms
exporters:
  file:
    path: ${fileOut}
    max_bytes: 0
    batch: { max_age: 50ms }${queue}
  crash_http:
    url: http://127.0.0.1:${port}/logs
    retry: { initial_interval: 50ms, max_interval: 500ms }
    batch: { max_records: 500, max_age: 50ms }${queue}
service:
  storage: { directory: ${join(dir, 'state')} }
  shutdown_timeout: 3s
  pipelines:
    logs:
      receivers: [file_log]
      exporters: [file, crash_http]
`);

    // ── the writer: ~linesPerSecond, rotated by rename + create ──
    let written = 0;
    let rotations = 0;
    let lastRotation = Date.now();
    const writeStarted = Date.now();
    mkdirSync(join(dir, 'logs'), { recursive: true });
    const writeTick = (): void => {
      const due = Math.floor(((Date.now() - writeStarted) / 1000) * options.linesPerSecond);
      let text = '';
      for (; written < due; written += 1) text += line(written);
      if (text) appendFileSync(input, text);
      if (Date.now() - lastRotation >= options.rotateEveryMs) {
        rotations += 1;
        renameSync(input, `${input}.${rotations}`);
        lastRotation = Date.now();
      }
    };
    writer = setInterval(writeTick, 10);

    // ── collectors, killed ──
    const spawnCollector = (): { child: ChildProcess; started: Promise<boolean>; stderr: () => string } => {
      const child = spawn(process.execPath, [join(repo, 'bin', 'fleetlog.js'), 'collector', '--config', config], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
      children.add(child);
      child.on('exit', () => children.delete(child));
      let err = '';
      const startedPromise = new Promise<boolean>((resolve) => {
        child.stderr!.on('data', (c: Buffer) => {
          err += c.toString();
          if (err.includes('Collector started.')) resolve(true);
        });
        child.once('exit', () => resolve(false));
      });
      return { child, started: startedPromise, stderr: () => err };
    };
    // Timers are unref'd: a wait that lost its race must not keep the test process alive.
    const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());
    let killsBeforeStarted = 0;
    for (let kill = 0; kill < options.kills; kill += 1) {
      // The sink goes down for a stretch now and then.
      sink.down = random() < 0.3;
      const collector = spawnCollector();
      const early = random() < 0.25;
      if (early) {
        // Killed during start-up / recovery.
        const result = await Promise.race([collector.started, sleep(200 + random() * 1500).then(() => 'timer' as const)]);
        if (result !== true) killsBeforeStarted += 1;
        else await sleep(random() * 300);
      } else {
        const ok = await Promise.race([collector.started, sleep(30_000).then(() => false)]);
        if (!ok) throw new Error(`collector did not start:\n${collector.stderr()}`);
        await sleep(150 + random() * 1200);
      }
      if (collector.child.exitCode !== null) throw new Error(`collector exited by itself (${collector.child.exitCode}):\n${collector.stderr()}`);
      const exited = once(collector.child, 'exit');
      collector.child.kill('SIGKILL');
      await exited;
      log(`kill ${kill + 1}/${options.kills}: ${written} lines written, http has ${received.size}, sink ${sink.down ? 'down' : 'up'}`);
    }
    clearInterval(writer);
    writer = undefined;
    writeTick();
    const lines = written;
    sink.down = false;

    // ── the last run: everything must arrive ──
    const last = spawnCollector();
    if (!(await Promise.race([last.started, sleep(30_000).then(() => false)]))) throw new Error(`collector did not start:\n${last.stderr()}`);
    const fileSeqs = (): Map<number, number> => {
      const found = new Map<number, number>();
      if (!existsSync(fileOut)) return found;
      for (const text of readFileSync(fileOut, 'utf8').split('\n')) {
        const match = /"message":"seq (\d+)"/.exec(text);
        if (match) found.set(Number(match[1]), (found.get(Number(match[1])) ?? 0) + 1);
      }
      return found;
    };
    const settleDeadline = Date.now() + options.settleTimeoutMs;
    let file = countSeqs(fileSeqs(), lines);
    let http = countSeqs(received, lines);
    while ((file.lost > 0 || http.lost > 0) && Date.now() < settleDeadline) {
      await sleep(250);
      file = countSeqs(fileSeqs(), lines);
      http = countSeqs(received, lines);
    }
    const exited = once(last.child, 'exit');
    last.child.kill('SIGTERM');
    await Promise.race([exited, sleep(10_000)]);
    return {
      lines, kills: options.kills, rotations, killsBeforeStarted, file,
      http: { ...http, requests: sink.requests, refused: sink.refused, cutOff: sink.cutOff },
      elapsedMs: Date.now() - started, seed: options.seed,
    };
  } finally {
    if (writer !== undefined) clearInterval(writer);
    for (const child of children) child.kill('SIGKILL');
    server?.closeAllConnections();
    server?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

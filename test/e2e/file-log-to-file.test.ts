// Issue 2 acceptance, end to end through the real CLI: `fleetlog collector` with file_log (parser: python) → file.
// 10,000 lines appended in bursts (lines split across writes) all appear in the output exactly once with their
// level, component and message; SIGTERM exits 0 within 5 s; a restart continues from the checkpoint without
// re-emitting a line.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

const repo = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'fleetlog-e2e-file-log-'));
const input = join(dir, 'vending_machine.log');
const output = join(dir, 'out', 'vending_machine.jsonl');
const config = join(dir, 'collector.yaml');
const children = new Set<ChildProcess>();
after(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

writeFileSync(config, `
receivers:
  file_log:
    include: [${input}]
    parser: python
    time_zone: utc
    start_at: beginning
exporters:
  file:
    path: ${output}
    max_bytes: 64MiB
service:
  storage:
    directory: ${join(dir, 'data')}
  pipelines:
    logs:
      receivers: [file_log]
      exporters: [file]
`);

const LEVELS = ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'] as const;
const CANONICAL: Record<string, string> = { DEBUG: 'DEBUG', INFO: 'INFO', WARNING: 'WARN', ERROR: 'ERROR', CRITICAL: 'CRITICAL' };
const COMPONENTS = ['payment', 'motor', 'flowmeter', 'door', 'txn'] as const;
const level = (i: number): string => LEVELS[(i * 7) % 5]!;
const component = (i: number): string => COMPONENTS[(i * 3) % 5]!;
const message = (i: number): string => `event ${i} - amount ${i % 977} cents`;
const line = (i: number): string => {
  const ms = Date.UTC(2026, 0, 22, 14, 0, 0) + i * 37;
  const t = new Date(ms).toISOString().replace('T', ' ').replace('Z', '').replace('.', ',');
  return `${t} - ${component(i)} - ${level(i)} - ${message(i)}\n`;
};

/** Appends lines [from, to) in bursts of varying size; every few bursts ends in the middle of a line. */
async function writeBursts(from: number, to: number): Promise<void> {
  let carry = '';
  let i = from;
  let burst = 0;
  while (i < to) {
    const size = 50 + ((burst * 137) % 400);
    let text = carry;
    for (const end = Math.min(i + size, to); i < end; i += 1) text += line(i);
    carry = '';
    if (burst % 3 === 1 && i < to) {
      const next = line(i);
      i += 1;
      text += next.slice(0, 17);
      carry = next.slice(17);
    }
    appendFileSync(input, text);
    burst += 1;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  if (carry) appendFileSync(input, carry);
}

interface Collector {
  child: ChildProcess;
  stderr: () => string;
}

async function startCollector(): Promise<Collector> {
  const child = spawn(process.execPath, [join(repo, 'bin', 'fleetlog.js'), 'collector', '--config', config], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  children.add(child);
  child.on('exit', () => children.delete(child));
  let err = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`collector did not start within 20 s:\n${err}`)), 20_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      if (err.includes('Collector started.')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`collector exited ${code} before starting:\n${err}`));
    });
  });
  return { child, stderr: () => err };
}

async function stopCollector(collector: Collector): Promise<{ code: number | null; ms: number }> {
  const started = Date.now();
  const exited = once(collector.child, 'exit') as Promise<[number | null]>;
  collector.child.kill('SIGTERM');
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no exit within 5 s after SIGTERM:\n${collector.stderr()}`)), 5_000).unref());
  const [code] = await Promise.race([exited, timeout]);
  return { code, ms: Date.now() - started };
}

function outputLines(): Array<Record<string, unknown>> {
  if (!existsSync(output)) return [];
  return readFileSync(output, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
}

async function waitForOutput(count: number, timeoutMs: number): Promise<Array<Record<string, unknown>>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const lines = outputLines();
    if (lines.length >= count || Date.now() > deadline) return lines;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function assertExactlyOnce(lines: Array<Record<string, unknown>>, count: number): void {
  const seen = new Map<number, number>();
  for (const out of lines) {
    const match = /^event (\d+) - /.exec(String(out.message));
    assert.ok(match, `unexpected message ${String(out.message)}`);
    const i = Number(match[1]);
    seen.set(i, (seen.get(i) ?? 0) + 1);
    assert.equal(out.message, message(i));
    assert.equal(out.component, component(i), `component of line ${i}`);
    assert.equal(out.level, CANONICAL[level(i)], `level of line ${i}`);
    assert.equal(out.timestamp, new Date(Date.UTC(2026, 0, 22, 14, 0, 0) + i * 37).toISOString());
  }
  const duplicates = [...seen].filter(([, n]) => n > 1).map(([i]) => i);
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !seen.has(i));
  assert.deepEqual({ duplicates: duplicates.slice(0, 10), missing: missing.slice(0, 10) }, { duplicates: [], missing: [] });
  assert.equal(lines.length, count);
}

test('file_log (python) → file through `fleetlog collector`: exactly once, SIGTERM exit 0 within 5 s, restart resumes', { timeout: 90_000 }, async () => {
  writeFileSync(input, '');
  const first = await startCollector();
  await writeBursts(0, 10_000);
  const lines = await waitForOutput(10_000, 30_000);
  const stop1 = await stopCollector(first);
  assert.equal(stop1.code, 0, first.stderr());
  assert.ok(stop1.ms < 5_000);
  assertExactlyOnce(outputLines(), 10_000);
  assert.ok(lines.length >= 10_000);

  // While stopped, more lines arrive; after the restart only they are added.
  await writeBursts(10_000, 10_500);
  const second = await startCollector();
  await writeBursts(10_500, 11_000);
  await waitForOutput(11_000, 30_000);
  const stop2 = await stopCollector(second);
  assert.equal(stop2.code, 0, second.stderr());
  assert.ok(stop2.ms < 5_000);
  assertExactlyOnce(outputLines(), 11_000);
});

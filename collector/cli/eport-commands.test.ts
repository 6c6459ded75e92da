// `fleetlog eport pack` / `eport unpack` through the real bin script, on simulated vending logs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { VendingSimulator } from '../../demo/vending-simulator.js';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../../bin/fleetlog.js', import.meta.url));

async function fleetlog(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, FLEETLOG_FROM_SOURCE: '1' }, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

test('eport pack → unpack round-trips 2,000 PRD entries losslessly and reports what it did', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'fleetlog-eport-cli-'));
  try {
    const entries = new VendingSimulator({ seed: 21 }).take(2_000);
    await writeFile(join(dir, 'in.ndjson'), entries.map((e) => JSON.stringify(e)).join('\n'));
    const packed = await fleetlog(['eport', 'pack', '--input', 'in.ndjson', '--output', 'out.bin'], dir);
    assert.equal(packed.code, 0, packed.stderr);
    const summary = JSON.parse(packed.stdout) as { records: number; frames: number; payload_bytes: number; lossless: boolean };
    assert.equal(summary.records, 2_000);
    assert.equal(summary.lossless, true);
    assert.ok(summary.frames >= 2_000 / 150 && summary.frames <= 2_000 / 80, `${summary.frames} frames`);
    assert.ok(summary.payload_bytes <= summary.frames * 900);
    assert.ok((await readFile(join(dir, 'out.bin'))).length > summary.payload_bytes);
    const unpacked = await fleetlog(['eport', 'unpack', '--input', 'out.bin'], dir);
    assert.equal(unpacked.code, 0, unpacked.stderr);
    const back = unpacked.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const critical = entries.filter((e) => e.level === 'CRITICAL');
    const expected = [...critical, ...entries.filter((e) => e.level !== 'CRITICAL')];
    assert.deepEqual(back, expected);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('eport pack --format compact --budget: lossy, counted, and unpack reads the PRD lines back', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'fleetlog-eport-cli-'));
  try {
    const entries = new VendingSimulator({ seed: 22, warnShare: 0.8 }).take(300);
    await writeFile(join(dir, 'in.ndjson'), entries.map((e) => JSON.stringify(e)).join('\n'));
    const packed = await fleetlog(['eport', 'pack', '--input', 'in.ndjson', '--output', 'c.bin', '--format', 'compact', '--budget', '2700', '--max-payload', '900', '--encoding', 'base64'], dir);
    assert.equal(packed.code, 0, packed.stderr);
    const summary = JSON.parse(packed.stdout) as { lossless: boolean; frames: number; payload_bytes: number; aggregated: number; cut: number };
    assert.equal(summary.lossless, false);
    assert.ok(summary.payload_bytes <= 2700 && summary.frames <= 3);
    assert.ok(summary.aggregated + summary.cut > 0);
    assert.match((await readFile(join(dir, 'c.bin'))).toString('latin1'), /^[\nA-Za-z0-9+/=]+$/);
    const unpacked = await fleetlog(['eport', 'unpack', '--input', 'c.bin', '--received', '2026-01-23T00:00:00Z'], dir);
    assert.equal(unpacked.code, 0, unpacked.stderr);
    const back = unpacked.stdout.trim().split('\n').map((l) => JSON.parse(l) as { machine_id: string; timestamp: string; count?: number });
    assert.ok(back.length > 0 && back.every((e) => e.machine_id === 'VM001' && e.timestamp.startsWith('2026-01-2')));
    assert.ok(back.some((e) => (e.count ?? 0) > 1));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('eport pack reports bad input lines with file:line and exits 1; usage errors exit 2', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'fleetlog-eport-cli-'));
  try {
    await writeFile(join(dir, 'bad.ndjson'), '{"timestamp":"2026-01-22T14:30:15Z","machine_id":"VM001","level":"LOUD","component":"x","message":"y"}\nnot json\n');
    const bad = await fleetlog(['eport', 'pack', '--input', 'bad.ndjson', '--output', 'x.bin'], dir);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /bad\.ndjson:1: level "LOUD"/);
    assert.match(bad.stderr, /bad\.ndjson:2: /);
    const usage = await fleetlog(['eport', 'pack', '--input', 'bad.ndjson', '--format', 'zip'], dir);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /--output is required/);
    assert.match(usage.stderr, /--format must be packed or compact/);
    await writeFile(join(dir, 'junk.bin'), Buffer.from([0xfa, 1, 2, 3]));
    const junk = await fleetlog(['eport', 'unpack', '--input', 'junk.bin'], dir);
    assert.equal(junk.code, 1);
    assert.match(junk.stderr, /payload rejected: packed payload/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

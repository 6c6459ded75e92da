// The eport exporter's schedule in a real `fleetlog collector` process with the exporter's own host defaults (no
// `batch:` in the YAML): file_log → durable queue → eport → a real pty pair → the simulator's drop folder.
// WARN/ERROR wait for the hour window; a CRITICAL record closes it at once and reaches the drop folder within
// seconds, carrying the WARN/ERROR queued before it; what comes after waits for the next window (or the shutdown).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCollectorProcess, type CollectorProcess } from '../../demo/collector-process.js';
import { VendingSimulator } from '../../demo/vending-simulator.js';
import { entryFromEvent, type PrdEntry } from '../../eport/packer/event.js';
import { unpack } from '../../eport/packer/unpack.js';
import { openPtyPair } from '../../eport/sim/pty-pair.js';
import { runSimulator } from '../../eport/sim/simulator.js';

async function dropped(drop: string): Promise<{ files: number; entries: PrdEntry[]; lossless: boolean }> {
  const names = (await readdir(drop).catch(() => [] as string[])).filter((n) => n.endsWith('.eport')).sort();
  const entries: PrdEntry[] = [];
  let lossless = true;
  for (const name of names) {
    const r = unpack(await readFile(join(drop, name)));
    assert.ok(r.ok, r.ok ? '' : r.reason);
    lossless &&= r.meta.lossless;
    entries.push(...r.events.map(entryFromEvent));
  }
  return { files: names.length, entries, lossless };
}

/** Records file_log handed on (each durable in the eport queue once counted), from the collector's /metrics. */
async function acceptedRecords(collector: CollectorProcess): Promise<number> {
  const started = collector.output().split('\n').find((l) => l.includes('"msg":"Collector started."'));
  const port = started === undefined ? undefined : (JSON.parse(started) as { metricsPort?: number }).metricsPort;
  assert.ok(port, collector.output().slice(-2000));
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return Number(/^fleetlog_receiver_accepted_records_total\{receiver="file_log"\} (\d+)$/m.exec(text)?.[1] ?? 0);
}

async function until(what: string, timeoutMs: number, condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const key = (e: PrdEntry): string => JSON.stringify([e.timestamp, e.level, e.component, e.message, e.context]);
const lines = (entries: readonly PrdEntry[]): string => entries.map((e) => `${JSON.stringify(e)}\n`).join('');

test('collector process with the eport defaults: a CRITICAL reaches the drop folder within seconds, WARN waits for the hour', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fleetlog-eport-schedule-'));
  const pty = await openPtyPair(dir);
  const stopSim = new AbortController();
  const drop = join(dir, 'drop');
  const sim = runSimulator({ portPath: pty.b, baudRate: 115200, outDir: drop, signal: stopSim.signal });
  const simulator = new VendingSimulator({ seed: 78, machineId: 'VM078', criticalShare: 0, warnShare: 0.3 });
  const before = simulator.take(300);
  const log = join(dir, 'app.log');
  writeFileSync(log, lines(before));
  writeFileSync(join(dir, 'site.yaml'), `
receivers:
  file_log:
    include: ["${dir}/*.log"]
    start_at: beginning
    parser: auto
exporters:
  eport:
    path: ${pty.a}
    baud_rate: 115200
    processing_time: 200ms
    max_bytes_per_day: 0           # when records go is the point here, not how many bytes a day (paced: the hour's share)
service:
  resource: { device.id: VM078 }
  storage: { directory: ${join(dir, 'state')} }
  telemetry: { metrics: { address: "127.0.0.1:0" } }
  pipelines:
    logs: { receivers: [file_log], exporters: [eport] }
`);
  const collector = startCollectorProcess({ configFile: join(dir, 'site.yaml'), cwd: dir, env: { UV_USE_IO_URING: '0' } });
  try {
    await collector.started();
    await until('the first 300 records queued', 20_000, async () => (await acceptedRecords(collector)) >= before.length);
    await new Promise((r) => setTimeout(r, 2_000));
    assert.equal((await dropped(drop)).files, 0, 'WARN/ERROR wait for the window');

    const critical: PrdEntry = {
      timestamp: new Date().toISOString(), machine_id: 'VM078', level: 'CRITICAL', component: 'door', message: 'Door forced open', context: { sensor: 'reed-2' },
    };
    const after = simulator.take(50);
    appendFileSync(log, lines([critical, ...after]));
    const writtenAt = Date.now();
    await until('the CRITICAL record in the drop folder', 15_000, async () => (await dropped(drop)).entries.some((e) => e.level === 'CRITICAL'));
    const tookMs = Date.now() - writtenAt;
    assert.ok(tookMs < 10_000, `the CRITICAL record took ${tookMs} ms`);
    const first = await dropped(drop);
    assert.equal(first.lossless, true);
    const sentBefore = [...before, critical].filter((e) => ['WARN', 'ERROR', 'CRITICAL'].includes(e.level));
    assert.deepEqual(first.entries.map(key).sort(), sentBefore.map(key).sort(), 'the window closed at the CRITICAL record: what was queued before it goes along');

    await until('the records after it queued', 20_000, async () => (await acceptedRecords(collector)) >= before.length + 1 + after.length);
    await new Promise((r) => setTimeout(r, 2_000));
    assert.equal((await dropped(drop)).files, first.files, 'the WARN/ERROR after the CRITICAL wait for the next window');

    assert.equal(await collector.stop(), 0);
    const all = await dropped(drop);
    const wanted = [...before, critical, ...after].filter((e) => ['WARN', 'ERROR', 'CRITICAL'].includes(e.level));
    assert.deepEqual(all.entries.map(key).sort(), wanted.map(key).sort(), 'shutdown sends the open window');
  } finally {
    await collector.stop();
    stopSim.abort();
    await sim;
    await pty.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

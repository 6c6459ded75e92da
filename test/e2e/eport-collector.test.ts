// The eport exporter inside a real `fleetlog collector` process, configured from YAML: a vending application's
// PRD JSON log file → file_log → durable queue → eport → a real pty pair → the device simulator's drop folder.
// What arrives is exactly the WARN-and-above entries of the file (the default schedule), field for field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCollectorProcess } from '../../demo/collector-process.js';
import { VendingSimulator } from '../../demo/vending-simulator.js';
import { entryFromEvent, type PrdEntry } from '../../eport/packer/event.js';
import { unpack } from '../../eport/packer/unpack.js';
import { openPtyPair } from '../../eport/sim/pty-pair.js';
import { runSimulator } from '../../eport/sim/simulator.js';

async function droppedEntries(drop: string): Promise<{ entries: PrdEntry[]; lossless: boolean }> {
  const names = (await readdir(drop).catch(() => [] as string[])).filter((n) => n.endsWith('.eport')).sort();
  const entries: PrdEntry[] = [];
  let lossless = true;
  for (const name of names) {
    const r = unpack(await readFile(join(drop, name)));
    assert.ok(r.ok, r.ok ? '' : r.reason);
    lossless &&= r.meta.lossless;
    entries.push(...r.events.map(entryFromEvent));
  }
  return { entries, lossless };
}

test('collector process: file_log → eport over a pty → simulator; the WARN+ entries arrive exactly', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fleetlog-eport-collector-'));
  const pty = await openPtyPair(dir);
  const stopSim = new AbortController();
  const drop = join(dir, 'drop');
  const sim = runSimulator({ portPath: pty.b, baudRate: 115200, outDir: drop, signal: stopSim.signal, faults: { corruptProbability: 0.05, dropAckProbability: 0.05, seed: 5 } });
  const entries = new VendingSimulator({ seed: 77, machineId: 'VM077' }).take(2_000);
  writeFileSync(join(dir, 'app.log'), entries.map((e) => `${JSON.stringify(e)}\n`).join(''));
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
    batch: { max_age: 300ms, max_records: 5000 }
    retry: { initial_interval: 100ms, max_interval: 1s }
    pace_budget: false             # the file's hours of records arrive in seconds; paced, they would get this hour's share
service:
  resource: { device.id: VM077 }
  storage: { directory: ${join(dir, 'state')} }
  pipelines:
    logs: { receivers: [file_log], exporters: [eport] }
`);
  const collector = startCollectorProcess({ configFile: join(dir, 'site.yaml'), cwd: dir, env: { UV_USE_IO_URING: '0' } });
  try {
    await collector.started();
    const wanted = entries.filter((e) => ['WARN', 'ERROR', 'CRITICAL'].includes(e.level));
    const deadline = Date.now() + 60_000;
    let got = await droppedEntries(drop);
    while (got.entries.length < wanted.length && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      got = await droppedEntries(drop);
    }
    assert.equal(got.lossless, true);
    const key = (e: PrdEntry): string => JSON.stringify([e.timestamp, e.level, e.component, e.message, e.context]);
    assert.deepEqual(got.entries.map(key).sort(), wanted.map(key).sort(), collector.output().slice(-2000));
    assert.equal(await collector.stop(), 0);
  } finally {
    await collector.stop();
    stopSim.abort();
    await sim;
    await pty.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

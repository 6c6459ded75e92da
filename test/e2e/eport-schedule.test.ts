// The eport exporter's schedule in a real `fleetlog collector` process with the exporter's own host defaults (no
// `batch:` in the YAML): file_log → durable queue → eport → a real pty pair → the simulator's drop folder.
// WARN/ERROR wait for the hour window; a CRITICAL record closes it at once and reaches the drop folder within
// seconds, carrying the WARN/ERROR queued before it; what comes after waits for the next window (or the shutdown).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import type { CollectorProcess } from '../../demo/collector-process.js';
import { VendingSimulator } from '../../demo/vending-simulator.js';
import type { PrdEntry } from '../../eport/packer/event.js';
import { prdKey, prdLines, startEportSite, warnAndAbove } from './eport-harness.js';

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

test('collector process with the eport defaults: a CRITICAL reaches the drop folder within seconds, WARN waits for the hour', { timeout: 60_000 }, async () => {
  const simulator = new VendingSimulator({ seed: 78, machineId: 'VM078', criticalShare: 0, warnShare: 0.3 });
  const before = simulator.take(300);
  const site = await startEportSite({
    name: 'eport-schedule',
    machineId: 'VM078',
    entries: before,
    eportYaml: `
      processing_time: 200ms
      max_bytes_per_day: 0           # when records go is the point here, not how many bytes a day (paced: the hour's share)
    `,
    serviceYaml: 'telemetry: { metrics: { address: "127.0.0.1:0" } }',
  });
  const { collector } = site;
  try {
    await until('the first 300 records queued', 20_000, async () => (await acceptedRecords(collector)) >= before.length);
    await new Promise((r) => setTimeout(r, 2_000));
    assert.equal((await site.dropped()).files, 0, 'WARN/ERROR wait for the window');

    const critical: PrdEntry = {
      timestamp: new Date().toISOString(), machine_id: 'VM078', level: 'CRITICAL', component: 'door', message: 'Door forced open', context: { sensor: 'reed-2' },
    };
    const after = simulator.take(50);
    appendFileSync(site.log, prdLines([critical, ...after]));
    const writtenAt = Date.now();
    await until('the CRITICAL record in the drop folder', 15_000, async () => (await site.dropped()).entries.some((e) => e.level === 'CRITICAL'));
    const tookMs = Date.now() - writtenAt;
    assert.ok(tookMs < 10_000, `the CRITICAL record took ${tookMs} ms`);
    const first = await site.dropped();
    assert.equal(first.lossless, true);
    const sentBefore = warnAndAbove([...before, critical]);
    assert.deepEqual(first.entries.map(prdKey).sort(), sentBefore.map(prdKey).sort(), 'the window closed at the CRITICAL record: what was queued before it goes along');

    await until('the records after it queued', 20_000, async () => (await acceptedRecords(collector)) >= before.length + 1 + after.length);
    await new Promise((r) => setTimeout(r, 2_000));
    assert.equal((await site.dropped()).files, first.files, 'the WARN/ERROR after the CRITICAL wait for the next window');

    assert.equal(await collector.stop(), 0);
    const all = await site.dropped();
    const wanted = warnAndAbove([...before, critical, ...after]);
    assert.deepEqual(all.entries.map(prdKey).sort(), wanted.map(prdKey).sort(), 'shutdown sends the open window');
  } finally {
    await site.close();
  }
});

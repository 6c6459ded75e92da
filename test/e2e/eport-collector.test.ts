// The eport exporter inside a real `fleetlog collector` process, configured from YAML: a vending application's
// PRD JSON log file → file_log → durable queue → eport → a real pty pair → the device simulator's drop folder.
// What arrives is exactly the WARN-and-above entries of the file (the default schedule), field for field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VendingSimulator } from '../../demo/vending-simulator.js';
import { prdKey, startEportSite, warnAndAbove } from './eport-harness.js';

test('collector process: file_log → eport over a pty → simulator; the WARN+ entries arrive exactly', { timeout: 120_000 }, async () => {
  const entries = new VendingSimulator({ seed: 77, machineId: 'VM077' }).take(2_000);
  const site = await startEportSite({
    name: 'eport-collector',
    machineId: 'VM077',
    entries,
    faults: { corruptProbability: 0.05, dropAckProbability: 0.05, seed: 5 },
    eportYaml: `
      processing_time: 200ms
      batch: { max_age: 300ms, max_records: 5000 }
      retry: { initial_interval: 100ms, max_interval: 1s }
      pace_budget: false             # the file's hours of records arrive in seconds; paced, they would get this hour's share
    `,
  });
  try {
    const wanted = warnAndAbove(entries);
    const deadline = Date.now() + 60_000;
    let got = await site.dropped();
    while (got.entries.length < wanted.length && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      got = await site.dropped();
    }
    assert.equal(got.lossless, true);
    assert.deepEqual(got.entries.map(prdKey).sort(), wanted.map(prdKey).sort(), site.collector.output().slice(-2000));
    assert.equal(await site.collector.stop(), 0);
  } finally {
    await site.close();
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PRD_SAMPLE_ENTRIES, VendingSimulator } from './vending-simulator.js';
import { eventFromEntry } from '../eport/packer/event.js';

test('the same seed gives the same entries; another seed gives others', () => {
  assert.deepEqual(new VendingSimulator({ seed: 4 }).take(200), new VendingSimulator({ seed: 4 }).take(200));
  assert.notDeepEqual(new VendingSimulator({ seed: 4 }).take(50), new VendingSimulator({ seed: 5 }).take(50));
});

test('PRD load: about 1,000 entries an hour, 20 % WARN or above, a few CRITICAL, unique transaction ids', () => {
  const entries = new VendingSimulator({ seed: 1 }).take(24_000);
  const hours = (Date.parse(entries.at(-1)!.timestamp) - Date.parse(entries[0]!.timestamp)) / 3_600_000;
  assert.ok(hours > 22 && hours < 26, `${hours} h`);
  const warnPlus = entries.filter((e) => ['WARN', 'ERROR', 'CRITICAL'].includes(e.level)).length / entries.length;
  assert.ok(warnPlus > 0.18 && warnPlus < 0.22, `${warnPlus}`);
  const critical = entries.filter((e) => e.level === 'CRITICAL').length;
  assert.ok(critical > 10 && critical < 150, `${critical}`);
  // a transaction id belongs to one session: approved and completed, or one decline/timeout
  const byTxn = new Map<string, Set<string>>();
  for (const e of entries) {
    const txn = e.context?.transaction_id;
    if (typeof txn !== 'string') continue;
    const messages = byTxn.get(txn) ?? new Set<string>();
    assert.ok(!messages.has(e.message), `transaction ${txn} repeats ${e.message}`);
    messages.add(e.message);
    byTxn.set(txn, messages);
  }
  assert.ok(byTxn.size > 2_000);
  const amounts = new Set(entries.map((e) => e.context?.amount_cents).filter((a) => a !== undefined));
  assert.ok(amounts.size > 50, `${amounts.size} distinct amounts`);
  for (const e of entries) eventFromEntry(e); // every entry is a valid PRD entry
});

test('entries come in time order and as LogRecords with component and context attributes', () => {
  const sim = new VendingSimulator({ seed: 2, machineId: 'VM042' });
  const batch = sim.takeBatch(100, 0);
  assert.equal(batch.resource['device.id'], 'VM042');
  const times = batch.records.map((r) => BigInt(r.timeUnixNano));
  for (let i = 1; i < times.length; i += 1) assert.ok(times[i]! > times[i - 1]!);
  assert.ok(batch.records.every((r) => typeof r.attributes.component === 'string' && typeof r.body === 'string'));
  assert.equal(PRD_SAMPLE_ENTRIES[0]!.message, 'Authorization timeout after 30s');
});

// ePort payload ingest into a real embedded store: drop folder and POST /api/eport/payloads.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { readdir, readFile, writeFile, rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultBackendConfig, type BackendConfig } from '../config.js';
import { startBackend, type RunningBackend } from '../server.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import type { StoredLog } from '../store/log-row.js';
import { resolveEportConfig } from './eport-config.js';
import { VendingSimulator } from '../../demo/vending-simulator.js';
import { eventFromEntry } from '../../eport/packer/event.js';
import { pack } from '../../eport/packer/packer.js';
import { dropFileName } from '../../eport/sim/drop-folder.js';

const BRIDGE_KEY = 'bridge-key-0123456789abcdef';
let dir: string;
let store: Store;
let running: RunningBackend;
let dropDir: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fleetlog-eport-ingest-'));
  dropDir = join(dir, 'drop');
  const base = defaultBackendConfig({ path: join(dir, 'clickhouse'), adminToken: 'admin-token-0123456789' });
  const config: BackendConfig = {
    ...base, port: 0, host: '127.0.0.1',
    storage: { ...base.storage, retentionDays: 3650 },
    ingest: { ...base.ingest, batchMaxDelayMs: 20 },
    eport: resolveEportConfig({ drop_dir: dropDir, bridge_keys: [BRIDGE_KEY], poll_interval: '200ms' }, dir, {}),
  };
  store = await openStore(config.storage);
  running = await startBackend(config, { store });
  await running.backend.eport.ready;
});
after(async () => {
  await running.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function rows(machineId: string): Promise<StoredLog[]> {
  return (await store.queryLogs({ machineId }, 1000)).rows; // every test machine has fewer rows
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function dropFile(name: string, data: Buffer): Promise<void> {
  await writeFile(join(dropDir, `.${name}.tmp`), data);
  await rename(join(dropDir, `.${name}.tmp`), join(dropDir, name));
}

describe('drop folder', () => {
  test('packed payloads are stored once with their fields; a re-delivered file is not stored again', async () => {
    const entries = new VendingSimulator({ seed: 31, machineId: 'VM101' }).take(600);
    const { payloads } = pack(entries.map(eventFromEntry), { bootId: 0xb007, firstSequence: 10 });
    for (let i = 0; i < payloads.length; i += 1) await dropFile(dropFileName('VM101', 0xb007, 10 + i), payloads[i]!);
    const stored = await until('600 rows', async () => ((await rows('VM101')).length >= 600 ? rows('VM101') : undefined));
    assert.equal(stored.length, 600);
    assert.ok(stored.every((r) => r.source === 'eport' && r.boot_id === '0000b007'));
    const timeout = entries.find((e) => e.message === 'Authorization timeout after 30s')!;
    const row = stored.find((r) => r.body === timeout.message && r.time === timeout.timestamp.replace('Z', '000000Z'))!;
    assert.ok(row, 'the timeout record is stored');
    assert.equal(row.level, 'ERROR');
    assert.equal(row.component, 'payment');
    assert.equal(row.attributes.transaction_id, timeout.context!.transaction_id);
    assert.equal(row.attributes.amount_cents, String(timeout.context!.amount_cents));
    // the same file forwarded again
    await dropFile(dropFileName('VM101', 0xb007, 10), payloads[0]!);
    await until('re-delivery handled', async () => ((await readdir(dropDir)).some((n) => n.endsWith('.eport')) ? undefined : true));
    assert.equal((await rows('VM101')).length, 600);
    assert.ok(running.backend.eport.watcher!.totals.duplicates >= 1);
  });

  test('compact payloads (year from the receive time) and a lossy one with its WARN note', async () => {
    const events = new VendingSimulator({ seed: 32, machineId: 'VM102', warnShare: 0.9 }).take(200).map(eventFromEntry);
    const { payloads, loss } = pack(events, { format: 'compact', maxTotalBytes: 1500, bootId: 7, firstSequence: 1 });
    assert.ok(loss.aggregatedRecords + loss.cutRecords > 0);
    for (let i = 0; i < payloads.length; i += 1) await dropFile(dropFileName('VM102', 7, 1 + i), payloads[i]!);
    const stored = await until('compact rows', async () => {
      const r = await rows('VM102');
      return r.some((x) => x.component === 'eport') && (await readdir(dropDir)).every((n) => !n.endsWith('.eport')) ? r : undefined;
    });
    const note = stored.find((r) => r.component === 'eport')!;
    assert.match(note.body, /ePort byte budget: \d+ records aggregated, \d+ cut/);
    assert.ok(stored.filter((r) => r.component !== 'eport').every((r) => r.time.startsWith('2026-01-2')));
  });

  test('an unreadable file goes to rejected/ with its reason', async () => {
    await dropFile('garbage_00000001_0000000001.eport', Buffer.from([0xfa, 0x00, 0x01, 0x02]));
    const reason = await until('rejected file', async () => {
      const names = await readdir(join(dropDir, 'rejected'));
      return names.includes('garbage_00000001_0000000001.eport.reason.txt') ? readFile(join(dropDir, 'rejected', 'garbage_00000001_0000000001.eport.reason.txt'), 'utf8') : undefined;
    });
    assert.match(reason, /^FLEETLOG_ERR_EPORT_PAYLOAD: packed payload/);
  });
});

describe('POST /api/eport/payloads', () => {
  const events = new VendingSimulator({ seed: 33, machineId: 'VM103' }).take(150).map(eventFromEntry);
  const { payloads } = pack(events, { bootId: 0xabc, firstSequence: 1 });
  const post = (body: Buffer, auth: string | undefined, type = 'application/octet-stream'): Promise<Response> => fetch(`${running.url}/api/eport/payloads`, {
    method: 'POST', body, headers: { 'content-type': type, ...(auth ? { authorization: `Bearer ${auth}` } : {}) },
  });

  test('a bridge key stores any machine\'s payload once; the same payload again is a duplicate', async () => {
    const first = await post(payloads[0]!, BRIDGE_KEY);
    assert.equal(first.status, 200);
    const body = await first.json() as { outcome: string; accepted: number; machine: string };
    assert.equal(body.outcome, 'stored');
    assert.equal(body.machine, 'VM103');
    const again = await post(payloads[0]!, BRIDGE_KEY);
    assert.deepEqual(await again.json(), { outcome: 'duplicate', machine: 'VM103', accepted: 0 });
    assert.equal((await rows('VM103')).length, body.accepted);
  });

  test('a device key may post only its own machine\'s payloads; no key → 401; garbage → 400 and kept', async () => {
    const own = await running.backend.keys.create('VM103');
    const other = await running.backend.keys.create('VM999');
    assert.equal((await post(payloads[1]!, own.key)).status, 200);
    const forbidden = await post(payloads[1]!, other.key);
    assert.equal(forbidden.status, 403);
    assert.equal(((await forbidden.json()) as { error: { code: string } }).error.code, 'FLEETLOG_ERR_FORBIDDEN');
    assert.equal((await post(payloads[1]!, undefined)).status, 401);
    const bad = await post(Buffer.from('VM103|9999-9999|E|x|y'), BRIDGE_KEY, 'text/plain');
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: { message: string } }).error.message, /bad time/);
    assert.ok((await readdir(join(dropDir, 'rejected'))).some((n) => n.endsWith('.reason.txt') && !n.startsWith('garbage')));
    assert.equal((await post(payloads[1]!, BRIDGE_KEY, 'application/json')).status, 415);
  });
});

// The simulator over a real kernel pty pair (socat) and the real serialport package.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { VendingSimulator } from '../../demo/vending-simulator.js';
import { eventFromEntry } from '../packer/event.js';
import { pack } from '../packer/packer.js';
import { unpack } from '../packer/unpack.js';
import { LinkSender } from '../link/sender.js';
import { portFromStream } from '../link/port.js';
import { runSimulator } from './simulator.js';
import { openPtyPair } from './pty-pair.js';
import { parseDropFileName } from './drop-folder.js';

test('device → pty → simulator: damaged frames and lost ACKs, every payload dropped exactly once', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'fleetlog-eport-sim-'));
  const pty = await openPtyPair(dir);
  const controller = new AbortController();
  try {
    const out = join(dir, 'drop');
    const sim = runSimulator({
      portPath: pty.b, baudRate: 115200, outDir: out, signal: controller.signal,
      faults: { corruptProbability: 0.15, dropAckProbability: 0.15, ackDelayMs: 3, seed: 3 },
    });
    const device = new SerialPort({ path: pty.a, baudRate: 115200, autoOpen: false });
    await new Promise<void>((resolve, reject) => device.open((e) => (e ? reject(e) : resolve())));
    const sender = new LinkSender(portFromStream(device), 0x5eed, { line: { baudRate: 115200 }, processingMs: 100, backoffInitialMs: 10, backoffMaxMs: 50, maxAttempts: 30 });
    const events = new VendingSimulator({ seed: 8 }).take(3_000).map(eventFromEntry);
    const { payloads } = pack(events, { bootId: 0x5eed, firstSequence: 1 });
    for (let i = 0; i < payloads.length; i += 1) await sender.send(payloads[i]!, { sequence: 1 + i, dictionaryId: 1 });
    sender.close();
    await new Promise<void>((resolve) => device.close(() => resolve()));
    controller.abort();
    const summary = await sim;
    assert.equal(summary.payloadsWritten, payloads.length);
    assert.ok(summary.faults.corruptedFrames > 0 && summary.faults.droppedAcks > 0, JSON.stringify(summary));
    assert.ok(summary.naksSent > 0 && summary.duplicates > 0, JSON.stringify(summary));
    const files = (await readdir(out)).sort();
    assert.equal(files.length, payloads.length);
    let records = 0;
    for (const file of files) {
      const name = parseDropFileName(file);
      assert.ok(name, file);
      assert.equal(name.machine, 'VM001');
      assert.equal(name.bootId, 0x5eed);
      const body = await readFile(join(out, file));
      assert.deepEqual(body, payloads[name.sequence - 1]);
      const r = unpack(body);
      assert.ok(r.ok);
      records += r.events.length;
    }
    assert.equal(records, events.length);
  } finally {
    controller.abort();
    await pty.close();
    await rm(dir, { recursive: true, force: true });
  }
});

// The eport exporter against the device simulator over a real kernel pty pair (socat) and the real serialport.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SEVERITY, type LogBatch, type SendResult } from '../../../collector/component/index.js';
import { configFor, createNopSettings, describeComponentContract, validateComponentConfig } from '../../../collector/testkit/index.js';
import { VendingSimulator } from '../../../demo/vending-simulator.js';
import { unpack } from '../../../eport/packer/unpack.js';
import type { EportEvent } from '../../../eport/packer/event.js';
import { openPtyPair, type PtyPair } from '../../../eport/sim/pty-pair.js';
import { runSimulator, type SimulatorSummary } from '../../../eport/sim/simulator.js';
import { parseDropFileName } from '../../../eport/sim/drop-folder.js';
import { toOptions, validate, type EportExporterConfig } from './config.js';
import { EportExporter } from './exporter.js';
import { batchAllowance, PACING_LEAD_MS } from './schedule.js';
import factory from './index.js';

const root = mkdtempSync(join(tmpdir(), 'fleetlog-eport-exporter-'));
after(() => rmSync(root, { recursive: true, force: true }));
let cases = 0;
const newFolder = (): string => mkdtempSync(join(root, `case-${(cases += 1)}-`));
const signal = new AbortController().signal;

describeComponentContract(factory, {
  folder: import.meta.dirname,
  config: { path: join(root, 'no-such-tty') },
  typoKey: 'baud_rate',
  expectSendOutcome: 'retry',
});

test('cross-field rules: a level is sent one way; binary needs 8 data bits', () => {
  assert.deepEqual(validate({ path: 'x', immediate_levels: ['CRITICAL', 'ERROR'] }), ['immediate_levels and batch_levels both list ERROR: a level is sent one way']);
  assert.match(validate({ path: 'x', data_bits: 7 })[0]!, /binary needs data_bits: 8/);
  assert.deepEqual(validate({ path: 'x', data_bits: 7, encoding: 'z85' }), []);
  assert.match(validate({ path: 'x', max_bytes_per_day: '2KB', reserved_bytes_per_day: '2KB' })[0]!, /reserved_bytes_per_day must be less/);
  assert.deepEqual(validate({ path: 'x', max_bytes_per_day: 0 }), []);
});

test('the factory brings the PRD schedule: an hour window over the queue, closed at once by CRITICAL', () => {
  const { config, issues } = validateComponentConfig<{ batch: Record<string, unknown> }>(factory, { path: 'x' });
  assert.deepEqual(issues, []);
  assert.equal(config.batch.max_age, '1h');
  assert.equal(config.batch.flush_severity, 'CRITICAL');
  const own = validateComponentConfig<{ batch: Record<string, unknown> }>(factory, { path: 'x', batch: { max_age: '15m' } });
  assert.deepEqual([own.config.batch.max_age, own.config.batch.flush_severity], ['15m', 'CRITICAL']);
});

test('an immediate level below batch.flush_severity is refused (it would wait for the window)', () => {
  const widened = { path: 'x', immediate_levels: ['CRITICAL', 'ERROR'], batch_levels: ['WARN'] };
  const { issues } = validateComponentConfig(factory, widened);
  assert.deepEqual(issues.map((i) => i.path.join('.')), ['batch.flush_severity']);
  assert.match(issues[0]!.message, /immediate_levels records below it would wait/);
  assert.deepEqual(validateComponentConfig(factory, { ...widened, batch: { flush_severity: 'ERROR' } }).issues, []);
  assert.deepEqual(validateComponentConfig(factory, { ...widened, batch: { flush_severity: 17 } }).issues, []);
  assert.deepEqual(validateComponentConfig(factory, { ...widened, batch: { flush_severity: null } }).issues, []);
});

test('batchAllowance: the day\'s batch budget accrues evenly from UTC midnight (plus the lead), minus what was used', () => {
  const midnight = Date.parse('2026-01-22T00:00:00Z');
  assert.equal(batchAllowance(24_000, 0, midnight + 6 * 3_600_000), 6_000);
  assert.equal(batchAllowance(24_000, 0, midnight + 6 * 3_600_000, PACING_LEAD_MS), 7_000);
  assert.equal(batchAllowance(24_000, 5_000, midnight + 6 * 3_600_000), 1_000);
  assert.equal(batchAllowance(24_000, 9_000, midnight + 6 * 3_600_000), 0, 'never negative');
  assert.equal(batchAllowance(24_000, 1_000, midnight + 23.5 * 3_600_000, PACING_LEAD_MS), 23_000, 'the lead reaches the whole day before its end');
  assert.equal(batchAllowance(Infinity, 0, midnight), Infinity);
});

interface Rig {
  dir: string;
  drop: string;
  pty: PtyPair;
  sim: Promise<SimulatorSummary>;
  stopSim: AbortController;
  exporter: EportExporter;
  clock: { ms: number };
  close(): Promise<void>;
  restartSim(options?: { closeAfterPayloads?: number; corrupt?: number; dropAck?: number }): Promise<void>;
}

async function rig(raw: Partial<EportExporterConfig> = {}, simOptions: { closeAfterPayloads?: number; corrupt?: number; dropAck?: number; encoding?: 'binary' | 'z85' | 'base64' } = {}): Promise<Rig> {
  const dir = newFolder();
  const drop = join(dir, 'drop');
  const pty = await openPtyPair(dir);
  const clock = { ms: Date.parse('2026-01-22T10:00:00Z') };
  const startSim = (o: typeof simOptions): { sim: Promise<SimulatorSummary>; stop: AbortController } => {
    const stop = new AbortController();
    const sim = runSimulator({
      portPath: pty.b, baudRate: 115200, outDir: drop, signal: stop.signal, encoding: simOptions.encoding ?? 'binary',
      faults: { corruptProbability: o.corrupt ?? 0, dropAckProbability: o.dropAck ?? 0, seed: 11 },
      ...(o.closeAfterPayloads !== undefined ? { closeAfterPayloads: o.closeAfterPayloads } : {}),
    });
    return { sim, stop };
  };
  const first = startSim(simOptions);
  const settings = createNopSettings('exporter', 'eport/test', { resource: { 'device.id': 'VM007' }, storageDir: join(dir, 'state') });
  const config = configFor<EportExporterConfig>(factory, { path: pty.a, baud_rate: 115200, processing_time: '150ms', max_attempts: 6, ...raw });
  const exporter = new EportExporter(settings, toOptions(config), { now: () => clock.ms, backoffInitialMs: 10 });
  await exporter.start();
  const r: Rig = {
    dir, drop, pty, sim: first.sim, stopSim: first.stop, exporter, clock,
    close: async () => {
      await exporter.shutdown();
      r.stopSim.abort();
      await r.sim;
      await pty.close();
    },
    restartSim: async (o = {}) => {
      r.stopSim.abort();
      await r.sim;
      const next = startSim(o);
      r.sim = next.sim;
      r.stopSim = next.stop;
    },
  };
  return r;
}

async function dropped(drop: string): Promise<{ events: EportEvent[]; lossless: boolean; sequences: number[]; cut: number; aggregated: number }> {
  const names = (await readdir(drop).catch(() => [] as string[])).filter((n) => n.endsWith('.eport')).sort();
  const events: EportEvent[] = [];
  let lossless = true, cut = 0, aggregated = 0;
  const sequences: number[] = [];
  for (const name of names) {
    sequences.push(parseDropFileName(name)!.sequence);
    const r = unpack(await readFile(join(drop, name)));
    assert.ok(r.ok, r.ok ? '' : r.reason);
    events.push(...r.events);
    lossless &&= r.meta.lossless;
    cut += r.meta.cutRecords;
    aggregated += r.meta.aggregatedRecords;
  }
  return { events, lossless, sequences, cut, aggregated };
}

function batchOf(n: number, seed: number, options: { warnShare?: number; startMs?: number } = {}): LogBatch {
  return new VendingSimulator({ seed, machineId: 'VM007', ...options }).takeBatch(n);
}

test('a machine id too long for the payload header is dropped (dead letters), not retried for ever', async () => {
  const settings = createNopSettings('exporter', 'eport/long-id', { resource: { 'device.id': 'x'.repeat(65) } });
  try {
    const exporter = new EportExporter(settings, toOptions(configFor<EportExporterConfig>(factory, { path: join(root, 'no-tty') })));
    const result = await exporter.send({ ...batchOf(10, 1), resource: { 'device.id': 'x'.repeat(65) } }, signal);
    assert.equal(result.outcome, 'drop');
    assert.match(result.outcome === 'drop' ? result.reason : '', /at most 64/);
    await exporter.shutdown();
  } finally {
    settings.cleanup();
  }
});

describe('over a pty pair to the simulator', () => {
  test('CRITICAL, ERROR and WARN are sent losslessly; INFO and DEBUG are only counted', async () => {
    const r = await rig({ max_bytes_per_day: 0 });
    try {
      const batch = batchOf(800, 1);
      const result = await r.exporter.send(batch, signal);
      assert.equal(result.outcome, 'ok', JSON.stringify(result));
      const got = await dropped(r.drop);
      const wanted = batch.records.filter((x) => x.severityNumber >= SEVERITY.WARN);
      assert.equal(got.events.length, wanted.length);
      assert.equal(got.lossless, true);
      assert.deepEqual(got.events.map((e) => e.message).sort(), wanted.map((x) => x.body as string).sort());
      assert.equal(r.exporter.linkState, 'up');
    } finally {
      await r.close();
    }
  });

  test('payloads larger than a frame (max_payload_bytes 3000) travel as fragments and arrive whole', async () => {
    const r = await rig({ max_bytes_per_day: 0, max_payload_bytes: 3000 });
    try {
      const batch = batchOf(3_000, 6, { warnShare: 0.6 });
      assert.equal((await r.exporter.send(batch, signal)).outcome, 'ok');
      const sizes = await Promise.all((await readdir(r.drop)).filter((n) => n.endsWith('.eport')).map(async (n) => (await readFile(join(r.drop, n))).length));
      assert.ok(sizes.some((n) => n > 2048), `payload sizes ${sizes.join(',')}`);
      const got = await dropped(r.drop);
      assert.equal(got.lossless, true);
      assert.equal(got.events.length, batch.records.filter((x) => x.severityNumber >= SEVERITY.WARN).length);
    } finally {
      await r.close();
    }
  });

  test('format compact over an ASCII-only line (z85): PRD lines arrive, flagged lossy', async () => {
    const r = await rig({ max_bytes_per_day: 0, format: 'compact', encoding: 'z85' }, { encoding: 'z85' });
    try {
      const batch = batchOf(300, 5);
      assert.equal((await r.exporter.send(batch, signal)).outcome, 'ok');
      const names = (await readdir(r.drop)).filter((n) => n.endsWith('.eport'));
      const text = (await Promise.all(names.map((n) => readFile(join(r.drop, n), 'utf8')))).join('\n');
      assert.match(text, /^#fleetlog v1 machine=VM007 /m);
      assert.match(text, /^VM007\|0122-\d{4}\|[WEC]\|[a-z]+\|/m);
      const got = await dropped(r.drop);
      assert.equal(got.lossless, false);
      assert.equal(got.events.length, batch.records.filter((x) => x.severityNumber >= SEVERITY.WARN).length);
    } finally {
      await r.close();
    }
  });

  test('the daily budget: aggregated, then cut — counted — and CRITICAL still goes; the summary the day after', async () => {
    const r = await rig({ max_bytes_per_day: 1_400, reserved_bytes_per_day: 200 });
    try {
      const day1 = batchOf(1_000, 2, { warnShare: 0.4, startMs: Date.parse('2026-01-22T00:00:00Z') });
      const first = await r.exporter.send(day1, signal);
      assert.equal(first.outcome, 'ok', JSON.stringify(first));
      const afterFirst = await dropped(r.drop);
      assert.equal(afterFirst.lossless, false);
      assert.ok(afterFirst.cut + afterFirst.aggregated > 0);
      // spend the rest of the budget until a send of WARN records is cut to nothing — but counted
      const warnOnly: LogBatch = { resource: day1.resource, records: day1.records.filter((x) => x.severityNumber === SEVERITY.WARN).slice(0, 50) };
      let handled = 1_000;
      let cutAll = false;
      for (let i = 0; i < 20 && !cutAll; i += 1) {
        const before = await dropped(r.drop);
        assert.equal((await r.exporter.send({ ...warnOnly, records: warnOnly.records.slice(i) }, signal)).outcome, 'ok');
        handled += 50 - i;
        const after = await dropped(r.drop);
        cutAll = after.cut - before.cut === 50 - i && after.events.length === before.events.length;
      }
      assert.ok(cutAll, 'the budget ran out');
      // a CRITICAL record still goes, the WARN ones beside it are counted as cut
      const critical = day1.records.find((x) => x.severityNumber >= SEVERITY.CRITICAL)!;
      const before = await dropped(r.drop);
      assert.equal((await r.exporter.send({ resource: day1.resource, records: [...warnOnly.records.slice(0, 10), { ...critical, timeUnixNano: '1769100000000000000' }] }, signal)).outcome, 'ok');
      handled += 11;
      const after = await dropped(r.drop);
      assert.equal(after.cut - before.cut, 10);
      assert.equal(after.events.length - before.events.length, 1);
      assert.equal(after.events.at(-1)!.severityNumber, SEVERITY.CRITICAL);
      const state = JSON.parse(await readFile(join(r.dir, 'state', 'eport-state.json'), 'utf8')) as { batchBytesToday: number };
      assert.ok(state.batchBytesToday <= 1_200 + 25 * 40, `${state.batchBytesToday} batch bytes`);
      r.clock.ms = Date.parse('2026-01-23T00:00:05Z');
      assert.equal((await r.exporter.send(warnOnly, signal)).outcome, 'ok');
      const all = await dropped(r.drop);
      const summary = all.events.find((e) => e.context?.summary === 'daily');
      assert.ok(summary, 'a daily summary was sent');
      assert.equal(summary.context!.records, handled);
      const completed = day1.records.filter((x) => x.body === 'Transaction completed');
      const cents = completed.reduce((n, x) => n + (x.attributes.amount_cents as number), 0);
      assert.equal(summary.message, `${completed.length} completed $${(cents / 100).toFixed(2)}`);
    } finally {
      await r.close();
    }
  });

  test('pace_budget: early in the day a send gets its share of the budget — folded, not cut; unpaced, the same send goes whole', async () => {
    const batch = batchOf(500, 3, { warnShare: 0.4 });
    const paced = await rig({ max_bytes_per_day: 21_000, reserved_bytes_per_day: 1_000 });
    const unpaced = await rig({ max_bytes_per_day: 21_000, reserved_bytes_per_day: 1_000, pace_budget: false });
    try {
      paced.clock.ms = unpaced.clock.ms = Date.parse('2026-01-22T01:00:00Z'); // paced share: 20,000 × 2/24 ≈ 1,666 bytes
      assert.equal((await paced.exporter.send(batch, signal)).outcome, 'ok');
      assert.equal((await unpaced.exporter.send(batch, signal)).outcome, 'ok');
      const whole = await dropped(unpaced.drop);
      const share = await dropped(paced.drop);
      assert.equal(whole.lossless, true);
      const wholeBytes = JSON.parse(await readFile(join(unpaced.dir, 'state', 'eport-state.json'), 'utf8')) as { batchBytesToday: number };
      assert.ok(wholeBytes.batchBytesToday > 1_700, `the whole send is ${wholeBytes.batchBytesToday} bytes`);
      const state = JSON.parse(await readFile(join(paced.dir, 'state', 'eport-state.json'), 'utf8')) as { batchBytesToday: number };
      assert.ok(state.batchBytesToday <= 1_666, `${state.batchBytesToday} batch bytes`);
      assert.equal(share.lossless, false);
      assert.equal(share.cut, 0);
      assert.ok(share.aggregated > 0);
      const count = (events: EportEvent[]): number => events.reduce((n, e) => n + (e.count ?? 1), 0);
      assert.equal(count(share.events), count(whole.events), 'every WARN+ record is carried, some of them folded');
    } finally {
      await paced.close();
      await unpaced.close();
    }
  });

  test('the port closes mid-batch: retry resends the same payloads with the same sequence numbers, nothing twice', async () => {
    const r = await rig({ max_bytes_per_day: 0, max_attempts: 3 }, { closeAfterPayloads: 2 });
    try {
      const batch = batchOf(3_000, 3, { warnShare: 0.5 });
      const first = await r.exporter.send(batch, signal);
      assert.equal(first.outcome, 'retry');
      assert.equal(r.exporter.linkState, 'down');
      await r.restartSim({ dropAck: 0.2, corrupt: 0.1 });
      let result: SendResult = first;
      for (let i = 0; i < 5 && result.outcome !== 'ok'; i += 1) result = await r.exporter.send(batch, signal);
      assert.equal(result.outcome, 'ok', JSON.stringify(result));
      const got = await dropped(r.drop);
      const seqs = got.sequences;
      assert.deepEqual(seqs, [...new Set(seqs)].sort((a, b) => a - b));
      assert.deepEqual(seqs, seqs.map((_, i) => seqs[0]! + i));
      assert.equal(got.events.length, batch.records.filter((x) => x.severityNumber >= SEVERITY.WARN).length);
    } finally {
      await r.close();
    }
  });

  test('a new exporter instance (restart) resumes the batch in flight with the same link id and sequences', async () => {
    const r = await rig({ max_bytes_per_day: 0, max_attempts: 2 }, { closeAfterPayloads: 1 });
    try {
      const batch = batchOf(2_000, 4, { warnShare: 0.5 });
      assert.equal((await r.exporter.send(batch, signal)).outcome, 'retry');
      await r.exporter.shutdown();
      await r.restartSim();
      const settings = createNopSettings('exporter', 'eport/test', { resource: { 'device.id': 'VM007' }, storageDir: join(r.dir, 'state') });
      const again = new EportExporter(settings, toOptions(configFor<EportExporterConfig>(factory, { path: r.pty.a, baud_rate: 115200, processing_time: '150ms', max_bytes_per_day: 0 })), { now: () => r.clock.ms, backoffInitialMs: 10 });
      await again.start();
      try {
        assert.equal((await again.send(batch, signal)).outcome, 'ok');
      } finally {
        await again.shutdown();
      }
      const got = await dropped(r.drop);
      assert.equal(new Set(got.sequences).size, got.sequences.length);
      assert.equal(got.events.length, batch.records.filter((x) => x.severityNumber >= SEVERITY.WARN).length);
    } finally {
      await r.close();
    }
  });
});

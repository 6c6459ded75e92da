import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { parse } from 'yaml';
import { SEVERITY } from '../../../collector/component/index.js';
import { configFor, createNopSettings, describeComponentContract, makeBatch, validateComponentConfig } from '../../../collector/testkit/index.js';
import type { FileExporterConfig } from './config.js';
import factory from './index.js';

const root = mkdtempSync(join(tmpdir(), 'fleetlog-file-exporter-'));
after(() => rmSync(root, { recursive: true, force: true }));
let cases = 0;
const newFolder = (): string => mkdtempSync(join(root, `case-${(cases += 1)}-`));
const signal = new AbortController().signal;

describeComponentContract(factory, {
  folder: import.meta.dirname,
  config: { path: join(root, 'contract', 'out.jsonl') },
  typoKey: 'max_bytes',
  expectSendOutcome: 'ok',
});

const readLines = (path: string): Array<Record<string, unknown>> =>
  readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);

function create(raw: Partial<FileExporterConfig> & { path: string }) {
  const settings = createNopSettings('exporter', 'file/test');
  const exporter = factory.create(settings, configFor<FileExporterConfig>(factory, raw));
  return { settings, exporter };
}

describe('file exporter', () => {
  test('testdata: minimal config valid, the typo named', () => {
    const load = (name: string): unknown => parse(readFileSync(join(import.meta.dirname, 'testdata', name), 'utf8'));
    assert.deepEqual(validateComponentConfig(factory, load('valid-minimal.yaml')).issues, []);
    assert.deepEqual(validateComponentConfig(factory, load('valid-full.yaml')).issues, []);
    const typo = validateComponentConfig(factory, load('invalid-unknown-key.yaml')).issues;
    assert.equal(typo.length, 1);
    assert.match(typo[0]!.message, /'max_byts'.*did you mean 'max_bytes'/);
  });

  test('one JSON line per record with the PRD field names and the OpenTelemetry fields; the folder is created', async () => {
    const path = join(newFolder(), 'nested', 'vm.jsonl');
    const { exporter, settings } = create({ path });
    await exporter.start();
    const batch = makeBatch(5, { 'device.id': 'VM001', site: 'lobby' });
    batch.records[3]!.attributes = { component: 'payment', txn: 'abc123', amount_cents: 2000 };
    const result = await exporter.send(batch, signal);
    await exporter.shutdown();
    settings.cleanup();
    assert.deepEqual(result, { outcome: 'ok', acceptedRecords: 5 });
    const lines = readLines(path);
    assert.equal(lines.length, 5);
    assert.deepEqual(lines[3], {
      timestamp: '2026-01-22T14:30:15.126Z',
      machine_id: 'VM001',
      level: 'ERROR',
      component: 'payment',
      message: 'test record 3',
      context: { txn: 'abc123', amount_cents: 2000 },
      time_unix_nano: '1769092215126000000',
      observed_time_unix_nano: '1769092215126000000',
      severity_number: SEVERITY.ERROR,
      severity_text: 'ERROR',
      resource: { 'device.id': 'VM001', site: 'lobby' },
      record_id: 'test:3',
    });
  });

  test('size rotation keeps backup_count files of at most max_bytes and loses no record', async () => {
    const dir = newFolder();
    const path = join(dir, 'r.jsonl');
    const { exporter, settings } = create({ path, max_bytes: 2000, backup_count: 2 });
    await exporter.start();
    for (let i = 0; i < 10; i += 1) assert.equal((await exporter.send(makeBatch(4), signal)).outcome, 'ok');
    await exporter.shutdown();
    settings.cleanup();
    assert.deepEqual(readdirSync(dir).sort(), ['r.jsonl', 'r.jsonl.1', 'r.jsonl.2']);
    for (const name of readdirSync(dir)) assert.ok(statSync(join(dir, name)).size <= 2000, `${name} is ${statSync(join(dir, name)).size} bytes`);
    const kept = ['r.jsonl.2', 'r.jsonl.1', 'r.jsonl'].flatMap((n) => readLines(join(dir, n)));
    const perLine = statSync(path).size / readLines(path).length;
    assert.ok(kept.length >= Math.floor(2000 / perLine) * 2, 'the newest records are kept across the files');
    assert.deepEqual(kept.map((l) => l.record_id), kept.map((_, i) => `test:${(40 - kept.length + i) % 4}`), 'in order, none missing at the seams');
  });

  test('one batch across several rotations: every line once, in order, each file within max_bytes', async () => {
    const dir = newFolder();
    const path = join(dir, 'm.jsonl');
    const { exporter, settings } = create({ path, max_bytes: 1500, backup_count: 20 });
    await exporter.start();
    assert.equal((await exporter.send(makeBatch(3), signal)).outcome, 'ok');
    assert.equal((await exporter.send(makeBatch(25), signal)).outcome, 'ok');
    assert.equal((await exporter.send(makeBatch(2), signal)).outcome, 'ok');
    await exporter.shutdown();
    settings.cleanup();
    const names = readdirSync(dir).sort((a, b) => Number(b.split('.')[2] ?? 0) - Number(a.split('.')[2] ?? 0));
    assert.ok(names.length >= 5, `rotated into ${names.join(', ')}`);
    for (const name of names) assert.ok(statSync(join(dir, name)).size <= 1500, `${name} is ${statSync(join(dir, name)).size} bytes`);
    const ids = names.flatMap((n) => readLines(join(dir, n))).map((l) => l.record_id);
    assert.deepEqual(ids, [0, 1, 2].map((i) => `test:${i}`).concat(Array.from({ length: 25 }, (_, i) => `test:${i}`), ['test:0', 'test:1']));
  });

  test('backup_count 0 truncates instead; reopening appends to an existing file', async () => {
    const path = join(newFolder(), 't.jsonl');
    const first = create({ path, max_bytes: 1500, backup_count: 0 });
    await first.exporter.send(makeBatch(1), signal);
    await first.exporter.shutdown();
    const second = create({ path, max_bytes: 1500, backup_count: 0 });
    await second.exporter.send(makeBatch(1), signal);
    assert.equal(readLines(path).length, 2, 'appended after a restart');
    for (let i = 0; i < 10; i += 1) await second.exporter.send(makeBatch(1), signal);
    await second.exporter.shutdown();
    first.settings.cleanup();
    second.settings.cleanup();
    assert.ok(statSync(path).size <= 1500);
    assert.ok(!existsSync(`${path}.1`));
  });

  test('a path that is a folder drops the batch (dead letter); a missing permission is retried and recovers', async () => {
    const dir = newFolder();
    mkdirSync(join(dir, 'is-a-dir'));
    const bad = create({ path: join(dir, 'is-a-dir') });
    const dropped = await bad.exporter.send(makeBatch(2), signal);
    assert.equal(dropped.outcome, 'drop');
    assert.deepEqual(bad.settings.statuses, ['recoverable_error']);
    await bad.exporter.shutdown();
    bad.settings.cleanup();

    if (process.getuid?.() === 0) return; // root ignores file modes
    const locked = join(dir, 'locked');
    mkdirSync(locked, { mode: 0o500 });
    const perm = create({ path: join(locked, 'x.jsonl') });
    assert.equal((await perm.exporter.send(makeBatch(2), signal)).outcome, 'retry');
    const { chmodSync } = await import('node:fs');
    chmodSync(locked, 0o700);
    assert.equal((await perm.exporter.send(makeBatch(2), signal)).outcome, 'ok');
    assert.deepEqual(perm.settings.statuses, ['recoverable_error', 'ok']);
    await perm.exporter.shutdown();
    perm.settings.cleanup();
  });

  test('a full disk is retried (ENOSPC), leaves no partial line, and the batch goes through once there is room', async (t) => {
    const full = create({ path: '/dev/full' });
    const result = await full.exporter.send(makeBatch(3), signal);
    assert.equal(result.outcome, 'retry');
    assert.match((result as { reason: string }).reason, /ENOSPC/);
    await full.exporter.shutdown();
    full.settings.cleanup();

    const mountPoint = newFolder();
    if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mountPoint]).status !== 0) {
      t.skip('cannot mount a small tmpfs here (needs root)');
      return;
    }
    try {
      const path = join(mountPoint, 'out.jsonl');
      const { exporter, settings } = create({ path, max_bytes: 0 });
      writeFileSync(join(mountPoint, 'filler'), Buffer.alloc(40 * 1024));
      let sent = 0;
      let outcome = 'ok';
      for (let i = 0; i < 100 && outcome === 'ok'; i += 1) {
        outcome = (await exporter.send(makeBatch(5), signal)).outcome;
        if (outcome === 'ok') sent += 5;
      }
      assert.equal(outcome, 'retry', 'the disk filled up');
      const text = readFileSync(path, 'utf8');
      assert.ok(text === '' || text.endsWith('\n'), 'no partial line after ENOSPC');
      assert.equal(readLines(path).length, sent);
      rmSync(join(mountPoint, 'filler'));
      assert.equal((await exporter.send(makeBatch(5), signal)).outcome, 'ok');
      assert.equal(readLines(path).length, sent + 5);
      assert.deepEqual(settings.statuses, ['recoverable_error', 'ok']);
      await exporter.shutdown();
      settings.cleanup();
    } finally {
      spawnSync('umount', [mountPoint]);
    }
  });
});

import assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { PermanentError, SEVERITY, type LogBatch, type LogsConsumer } from '../../../collector/component/index.js';
import { LogsSink, configFor, createNopSettings, describeComponentContract, type TestSettings } from '../../../collector/testkit/index.js';
import { CHECKPOINT_FILE_NAME } from './checkpoint-state.js';
import { BUSY_CYCLE_GAP_MS, BUSY_CYCLE_RECORDS, MIN_CYCLE_GAP_MS, SHUTDOWN_GRACE_MS, cycleGapMs } from './receiver.js';
import type { FileLogConfig } from './config.js';
import factory from './index.js';

const root = mkdtempSync(join(tmpdir(), 'fleetlog-file-log-'));
after(() => rmSync(root, { recursive: true, force: true }));
let folders = 0;
const newFolder = (): string => mkdtempSync(join(root, `case-${(folders += 1)}-`));

const contractDir = newFolder();
describeComponentContract(factory, {
  folder: import.meta.dirname,
  config: { include: [join(contractDir, '*.log')], start_at: 'beginning', poll_interval: '50ms' },
  typoKey: 'start_at',
  feed: async () => { appendFileSync(join(contractDir, 'contract.log'), '2026-01-22 14:30:15,123 - payment - ERROR - contract\n'); },
});

const pythonLine = (i: number, level = 'INFO', component = 'motor'): string =>
  `2026-01-22 14:30:${String(i % 60).padStart(2, '0')},${String(i % 1000).padStart(3, '0')} - ${component} - ${level} - line ${i}\n`;
const lines = (from: number, to: number): string => Array.from({ length: to - from }, (_, k) => pythonLine(from + k)).join('');
const bodies = (sink: LogsSink): string[] => sink.records().map((r) => String(r.body));
const range = (from: number, to: number): string[] => Array.from({ length: to - from }, (_, k) => `line ${from + k}`);

interface Running {
  sink: LogsSink;
  settings: TestSettings;
  stop(): Promise<void>;
}

async function run(raw: Partial<FileLogConfig> & { include: string[] }, options: { storageDir?: string; next?: LogsConsumer; sink?: LogsSink } = {}): Promise<Running> {
  const config = configFor<FileLogConfig>(factory, { poll_interval: '30ms', checkpoint_interval: 0, time_zone: 'utc', ...raw });
  const settings = createNopSettings('receiver', 'file_log/test', { storageDir: options.storageDir, resource: { 'device.id': 'VM001' } });
  const sink = options.sink ?? new LogsSink();
  const receiver = factory.create(settings, config, options.next ?? sink);
  await receiver.start();
  return {
    sink,
    settings,
    stop: async () => {
      await receiver.shutdown();
      settings.cleanup();
    },
  };
}

/** Waits (bounded) until `predicate` holds, checking after each event-loop turn of `stepMs`. */
async function until(predicate: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('file_log receiver', () => {
  test('reads existing lines with start_at: beginning into records with level, component, message, context, file and record id', async () => {
    const dir = newFolder();
    const path = join(dir, 'vm.log');
    writeFileSync(path, [
      '2026-01-22 14:30:15,123 - payment - ERROR - Authorization timeout after 30 seconds',
      '{"timestamp": "2026-01-22T14:32:20Z", "level": "ERROR", "component": "motor", "message": "GPIO conflict on pin 17", "context": {"product": "soap_hand"}}',
      '',
      'plain text',
      '',
    ].join('\n'));
    const r = await run({ include: [join(dir, '*.log')], start_at: 'beginning' });
    try {
      await r.sink.waitForRecords(3);
      const [a, b, c] = r.sink.records();
      assert.equal(a?.severityNumber, SEVERITY.ERROR);
      assert.equal(a?.body, 'Authorization timeout after 30 seconds');
      assert.equal(a?.attributes.component, 'payment');
      assert.equal(a?.attributes['log.file.path'], path);
      assert.equal(a?.attributes['log.file.name'], 'vm.log');
      assert.equal(a?.timeUnixNano, String(Date.UTC(2026, 0, 22, 14, 30, 15, 123) * 1e6));
      assert.match(a?.recordId ?? '', /^[0-9a-f]{16}:0$/);
      assert.equal(b?.attributes.product, 'soap_hand');
      assert.equal(b?.attributes.component, 'motor');
      assert.equal(b?.recordId, `${a?.recordId?.split(':')[0]}:${Buffer.byteLength(readFileSync(path, 'utf8').split('\n')[0]!) + 1}`);
      assert.equal(c?.body, 'plain text');
      assert.equal(c?.severityNumber, 0);
    } finally {
      await r.stop();
    }
    assert.equal(r.sink.recordCount, 3);
    assert.equal(r.settings.meter.values.get('fleetlog_receiver_file_log_unparsed_lines_total'), 1);
  });

  test('start_at: end skips what is there at start-up, reads what is appended, and reads files created later from their start', async () => {
    const dir = newFolder();
    writeFileSync(join(dir, 'a.log'), lines(0, 50));
    const r = await run({ include: [join(dir, '*.log')], start_at: 'end' });
    try {
      await until(() => r.settings.meter.values.get('fleetlog_receiver_file_log_open_files') === 1, 'the file to be opened');
      appendFileSync(join(dir, 'a.log'), lines(50, 60));
      writeFileSync(join(dir, 'b.log'), lines(100, 105));
      await r.sink.waitForRecords(15);
    } finally {
      await r.stop();
    }
    assert.deepEqual(bodies(r.sink).sort(), [...range(50, 60), ...range(100, 105)].sort());
  });

  test('a line written in pieces comes out once, whole; excluded files are not read', async () => {
    const dir = newFolder();
    const path = join(dir, 'p.log');
    writeFileSync(path, '');
    writeFileSync(join(dir, 'skip.log'), lines(0, 3));
    const r = await run({ include: [join(dir, '*.log')], exclude: ['**/skip.log'], start_at: 'beginning' });
    try {
      appendFileSync(path, '2026-01-22 14:30:15,123 - door - WA');
      await until(() => r.settings.meter.values.get('fleetlog_receiver_file_log_open_files') === 1, 'the file to be opened');
      appendFileSync(path, 'RN - Door open');
      await new Promise((resolve) => setTimeout(resolve, 100)); // several polls see the partial line
      assert.equal(r.sink.recordCount, 0);
      appendFileSync(path, ' for 30s\n');
      await r.sink.waitForRecords(1);
    } finally {
      await r.stop();
    }
    assert.deepEqual(bodies(r.sink), ['Door open for 30s']);
    assert.equal(r.sink.records()[0]?.severityNumber, SEVERITY.WARN);
  });

  test('rename + create rotation: the old file is finished, then the new one; every line exactly once', async () => {
    const dir = newFolder();
    const path = join(dir, 'app.log');
    writeFileSync(path, lines(0, 500));
    const r = await run({ include: [path], start_at: 'beginning' });
    try {
      await r.sink.waitForRecords(500);
      appendFileSync(path, lines(500, 700));
      renameSync(path, join(dir, 'app.log.1')); // out of the glob
      appendFileSync(join(dir, 'app.log.1'), lines(700, 800)); // the writer still had it open
      writeFileSync(path, lines(800, 1000));
      await r.sink.waitForRecords(1000);
      await new Promise((resolve) => setTimeout(resolve, 150)); // a few more polls: nothing more may come
    } finally {
      await r.stop();
    }
    assert.deepEqual(bodies(r.sink), range(0, 1000));
  });

  test('copytruncate: the shrink is detected and the new content read from its start', async () => {
    const dir = newFolder();
    const path = join(dir, 'ct.log');
    writeFileSync(path, lines(0, 300));
    const r = await run({ include: [path], start_at: 'beginning' });
    try {
      await r.sink.waitForRecords(300);
      copyFileSync(path, join(dir, 'ct.log.1'));
      truncateSync(path, 0);
      appendFileSync(path, lines(300, 320));
      await r.sink.waitForRecords(320);
      await new Promise((resolve) => setTimeout(resolve, 150));
    } finally {
      await r.stop();
    }
    assert.deepEqual(bodies(r.sink), range(0, 320));
    const ids = new Set(r.sink.records().map((rec) => rec.recordId));
    assert.equal(ids.size, 320, 'record ids stay unique across the truncation');
    assert.equal(r.settings.meter.values.get('fleetlog_receiver_file_log_truncations_total'), 1);
  });

  test('a restart continues from the checkpoint; a file renamed while stopped is recognised, not re-read', async () => {
    const dir = newFolder();
    const storageDir = newFolder();
    const path = join(dir, 'vm.log');
    writeFileSync(path, lines(0, 200));
    const first = await run({ include: [join(dir, '*.log')], start_at: 'beginning' }, { storageDir });
    await first.sink.waitForRecords(200);
    await first.stop();
    const saved = JSON.parse(readFileSync(join(storageDir, CHECKPOINT_FILE_NAME), 'utf8')) as { files: Array<{ offset: number }> };
    assert.equal(saved.files.at(-1)?.offset, statSync(path).size);

    appendFileSync(path, lines(200, 250));
    renameSync(path, join(dir, 'vm-renamed.log'));
    const second = await run({ include: [join(dir, '*.log')], start_at: 'beginning' }, { storageDir });
    try {
      await second.sink.waitForRecords(50);
      await new Promise((resolve) => setTimeout(resolve, 150));
    } finally {
      await second.stop();
    }
    assert.deepEqual(bodies(second.sink), range(200, 250));
    const firstIds = new Set(first.sink.records().map((rec) => rec.recordId!.split(':')[0]));
    assert.deepEqual(new Set(second.sink.records().map((rec) => rec.recordId!.split(':')[0])), firstIds, 'same file, same id');
  });

  test('back-pressure: a refused batch is offered again, never skipped, and the checkpoint waits for the acknowledgement', async () => {
    const dir = newFolder();
    const storageDir = newFolder();
    const path = join(dir, 'bp.log');
    writeFileSync(path, lines(0, 100));
    const sink = new LogsSink();
    let refusals = 0;
    let open = false;
    const gate: LogsConsumer = {
      consume: async (batch: LogBatch) => {
        if (!open) {
          refusals += 1;
          throw new Error('queue full');
        }
        await sink.consume(batch);
      },
    };
    const r = await run({ include: [path], start_at: 'beginning', max_batch_records: 30 }, { storageDir, next: gate, sink });
    try {
      await until(() => refusals >= 3, 'three refusals');
      const checkpoint = join(storageDir, CHECKPOINT_FILE_NAME);
      const offsets = ((): number[] => {
        try {
          return (JSON.parse(readFileSync(checkpoint, 'utf8')) as { files: Array<{ offset: number }> }).files.map((f) => f.offset);
        } catch {
          return [];
        }
      })();
      assert.ok(offsets.every((o) => o === 0), `nothing acknowledged, yet the checkpoint says ${JSON.stringify(offsets)}`);
      open = true;
      await sink.waitForRecords(100);
    } finally {
      await r.stop();
    }
    assert.deepEqual(bodies(sink), range(0, 100));
    assert.ok(r.settings.statuses.includes('recoverable_error'));
    assert.ok(r.settings.logger.entries.filter((e) => e.message.includes('not accepting')).length <= 1, 'logged once, not per attempt');
  });

  test('a batch refused for good is counted and skipped; over-long lines are cut and flagged', async () => {
    const dir = newFolder();
    const path = join(dir, 'perm.log');
    writeFileSync(path, lines(0, 10));
    const sink = new LogsSink();
    sink.failNext(1, new PermanentError('schema mismatch'));
    const r = await run({ include: [path], start_at: 'beginning', max_line_bytes: 64 }, { sink });
    try {
      await until(() => r.settings.logger.entries.some((e) => e.message.includes('refused a batch for good')), 'the refusal to be reported');
      appendFileSync(path, `2026-01-22 14:30:15,123 - motor - INFO - ${'x'.repeat(200)}\n${pythonLine(11)}`);
      await sink.waitForRecords(2);
    } finally {
      await r.stop();
    }
    const [long, next] = sink.records();
    assert.equal(long?.attributes['log.record.truncated'], true);
    assert.equal(long?.body, 'x'.repeat(64 - '2026-01-22 14:30:15,123 - motor - INFO - '.length), 'the kept 64 bytes are parsed');
    assert.equal(next?.body, 'line 11');
  });

  test('file-system events wake the loop: a line arrives long before the next poll', async () => {
    const dir = newFolder();
    const path = join(dir, 'w.log');
    writeFileSync(path, lines(0, 1));
    const r = await run({ include: [path], start_at: 'beginning', poll_interval: '30s' });
    try {
      await r.sink.waitForRecords(1);
      await until(() => r.settings.meter.values.get('fleetlog_receiver_file_log_open_files') === 1, 'the first cycle to end');
      const started = Date.now();
      appendFileSync(path, lines(1, 2));
      await r.sink.waitForRecords(2, 5_000);
      assert.ok(Date.now() - started < 5_000);
    } finally {
      await r.stop();
    }
    assert.deepEqual(bodies(r.sink), range(0, 2));
  });

  test('read pacing: 100 ms between cycles, 250 ms after a busy one (fewer, larger batches), back once it is quiet', () => {
    assert.equal(cycleGapMs(0), MIN_CYCLE_GAP_MS);
    assert.equal(cycleGapMs(BUSY_CYCLE_RECORDS - 1), MIN_CYCLE_GAP_MS);
    assert.equal(cycleGapMs(BUSY_CYCLE_RECORDS), BUSY_CYCLE_GAP_MS);
    assert.ok(BUSY_CYCLE_GAP_MS - MIN_CYCLE_GAP_MS <= 150, 'a busy file waits at most 150 ms longer (README)');
  });

  test('a deleted file is read to its end through the open handle, then closed', async () => {
    const dir = newFolder();
    const path = join(dir, 'gone.log');
    writeFileSync(path, lines(0, 100));
    const r = await run({ include: [path], start_at: 'beginning' });
    try {
      await r.sink.waitForRecords(100);
      appendFileSync(path, lines(100, 120));
      rmSync(path);
      await r.sink.waitForRecords(120);
      await until(() => r.settings.meter.values.get('fleetlog_receiver_file_log_open_files') === 0, 'the file to be closed');
    } finally {
      await r.stop();
    }
    assert.deepEqual(bodies(r.sink), range(0, 120));
  });

  test('rotation inside the glob (app.log → app.log.1, new app.log): nothing read twice, the old file first', async () => {
    const dir = newFolder();
    const path = join(dir, 'app.log');
    writeFileSync(path, lines(0, 300));
    const r = await run({ include: [join(dir, 'app.log*')], start_at: 'beginning' });
    try {
      await r.sink.waitForRecords(300);
      appendFileSync(path, lines(300, 400));
      renameSync(path, `${path}.1`);
      writeFileSync(path, lines(400, 500));
      await r.sink.waitForRecords(500);
      await new Promise((resolve) => setTimeout(resolve, 150));
    } finally {
      await r.stop();
    }
    assert.deepEqual(bodies(r.sink), range(0, 500));
  });

  test('after a restart, a new file at a known path (perhaps the same inode) is read from its start, not from the old offset', async () => {
    const dir = newFolder();
    const storageDir = newFolder();
    const path = join(dir, 'reuse.log');
    writeFileSync(path, lines(0, 100));
    const first = await run({ include: [path], start_at: 'beginning' }, { storageDir });
    await first.sink.waitForRecords(100);
    await first.stop();
    rmSync(path);
    writeFileSync(path, lines(1000, 1010)); // shorter than the old offset, different first bytes
    const second = await run({ include: [path], start_at: 'beginning' }, { storageDir });
    try {
      await second.sink.waitForRecords(10);
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      await second.stop();
    }
    assert.deepEqual(bodies(second.sink), range(1000, 1010));
  });

  test('max_open_files: further files wait for a free slot; an unreadable checkpoint is reported and reading starts fresh', async () => {
    const dir = newFolder();
    const storageDir = newFolder();
    writeFileSync(join(storageDir, CHECKPOINT_FILE_NAME), '{"version": 1, "files": [');
    writeFileSync(join(dir, 'a.log'), lines(0, 5));
    writeFileSync(join(dir, 'b.log'), lines(5, 10));
    const r = await run({ include: [join(dir, '*.log')], start_at: 'beginning', max_open_files: 1 }, { storageDir });
    try {
      await r.sink.waitForRecords(5);
      rmSync(join(dir, 'a.log'));
      await r.sink.waitForRecords(10);
    } finally {
      await r.stop();
    }
    assert.deepEqual(bodies(r.sink), range(0, 10));
    const warnings = r.settings.logger.entries.filter((e) => e.level !== 'debug' && e.level !== 'info');
    assert.ok(warnings.some((e) => e.fields.code === 'FLEETLOG_ERR_CHECKPOINT_IO'), JSON.stringify(warnings));
    assert.equal(warnings.filter((e) => e.message.startsWith('Too many files match')).length, 1, 'said once, not at every poll');
  });

  test('a Python traceback joins the record before it, also across read chunks; JSON and other lines stay separate', async () => {
    const dir = newFolder();
    const path = join(dir, 'tb.log');
    const traceback = ['Traceback (most recent call last):', '  File "/opt/vm/payment.py", line 42, in authorize', '    raise TimeoutError()', 'TimeoutError'];
    const filler = 'x'.repeat(300 * 1024); // pushes the traceback across the 256 KiB read boundary
    writeFileSync(path, [
      `2026-01-22 14:30:15,000 - motor - INFO - ${filler}`,
      '2026-01-22 14:30:15,123 - payment - ERROR - Authorization failed',
      ...traceback,
      '{"level":"INFO","component":"txn","message":"sold"}',
      'stray line',
      '2026-01-22 14:30:16,000 - door - WARNING - Door open',
      '',
    ].join('\n'));
    const r = await run({ include: [path], start_at: 'beginning', max_batch_records: 1 });
    try {
      await r.sink.waitForRecords(5);
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      await r.stop();
    }
    const records = r.sink.records();
    assert.deepEqual(records.map((rec) => (String(rec.body).startsWith('xxxx') ? 'filler' : rec.body)), [
      'filler', ['Authorization failed', ...traceback].join('\n'), 'sold', 'stray line', 'Door open',
    ]);
    assert.equal(records[1]?.severityNumber, SEVERITY.ERROR);
    assert.equal(r.settings.meter.values.get('fleetlog_receiver_file_log_joined_lines_total'), 4);
  });

  test('start_at: end applies only to the first start: a file created while stopped is read from its beginning', async () => {
    const dir = newFolder();
    const storageDir = newFolder();
    writeFileSync(join(dir, 'old.log'), lines(0, 10));
    const first = await run({ include: [join(dir, '*.log')], start_at: 'end' }, { storageDir });
    await until(() => first.settings.meter.values.get('fleetlog_receiver_file_log_open_files') === 1, 'the file to be opened');
    appendFileSync(join(dir, 'old.log'), lines(10, 12));
    await first.sink.waitForRecords(2);
    await first.stop();
    writeFileSync(join(dir, 'new.log'), lines(100, 105));
    const second = await run({ include: [join(dir, '*.log')], start_at: 'end' }, { storageDir });
    try {
      await second.sink.waitForRecords(5);
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      await second.stop();
    }
    assert.deepEqual(bodies(first.sink), range(10, 12));
    assert.deepEqual(bodies(second.sink), range(100, 105));
  });

  test('start_at: end, stopped before any new line: lines appended while stopped are read after the restart', async () => {
    const dir = newFolder();
    const storageDir = newFolder();
    const path = join(dir, 'quiet.log');
    writeFileSync(path, lines(0, 10));
    const first = await run({ include: [path], start_at: 'end' }, { storageDir });
    await until(() => first.settings.meter.values.get('fleetlog_receiver_file_log_open_files') === 1, 'the file to be opened');
    await first.stop();
    appendFileSync(path, lines(10, 15));
    const second = await run({ include: [path], start_at: 'end' }, { storageDir });
    try {
      await second.sink.waitForRecords(5);
    } finally {
      await second.stop();
    }
    assert.equal(first.sink.recordCount, 0);
    assert.deepEqual(bodies(second.sink), range(10, 15));
  });

  test('copytruncate with the copy inside the glob: the copy is recognised, nothing is read twice', async () => {
    const dir = newFolder();
    const path = join(dir, 'ct.log');
    writeFileSync(path, lines(0, 300));
    const r = await run({ include: [join(dir, 'ct.log*')], start_at: 'beginning' });
    try {
      await r.sink.waitForRecords(300);
      copyFileSync(path, `${path}.1`);
      truncateSync(path, 0);
      appendFileSync(path, lines(300, 310));
      await r.sink.waitForRecords(310);
      appendFileSync(path, lines(310, 320));
      await r.sink.waitForRecords(320);
      await new Promise((resolve) => setTimeout(resolve, 150));
    } finally {
      await r.stop();
    }
    assert.deepEqual(bodies(r.sink), range(0, 320));
  });

  test('shutdown does not hang on a batch downstream never accepts: after the grace the lines are left for the next run', async () => {
    const dir = newFolder();
    const storageDir = newFolder();
    const path = join(dir, 'stuck.log');
    writeFileSync(path, lines(0, 5));
    let calls = 0;
    const stuck: LogsConsumer = { consume: () => { calls += 1; return new Promise<void>(() => { /* never */ }); } };
    const first = await run({ include: [path], start_at: 'beginning' }, { storageDir, next: stuck });
    await until(() => calls === 1, 'the batch to be offered');
    const started = Date.now();
    await first.stop();
    const took = Date.now() - started;
    assert.ok(took >= SHUTDOWN_GRACE_MS - 100 && took < SHUTDOWN_GRACE_MS + 2_000, `shutdown took ${took} ms`);
    const second = await run({ include: [path], start_at: 'beginning' }, { storageDir });
    try {
      await second.sink.waitForRecords(5);
    } finally {
      await second.stop();
    }
    assert.deepEqual(bodies(second.sink), range(0, 5));
  });

  test('encoding: latin1 files are decoded as Latin-1', async () => {
    const dir = newFolder();
    const path = join(dir, 'l1.log');
    writeFileSync(path, Buffer.from('2026-01-22 14:30:15,123 - caf\xe9 - INFO - T\xfcr offen\n', 'latin1'));
    const r = await run({ include: [path], start_at: 'beginning', encoding: 'latin1' });
    try {
      await r.sink.waitForRecords(1);
    } finally {
      await r.stop();
    }
    assert.equal(r.sink.records()[0]?.body, 'Tür offen');
    assert.equal(r.sink.records()[0]?.attributes.component, 'café');
  });
});

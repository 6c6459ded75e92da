import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { describeComponentContract, makeBatch, validateComponentConfig } from '../../../collector/testkit/index.js';
import { DebugExporter } from './exporter.js';
import { formatRecordLine } from './format.js';
import factory from './index.js';

describeComponentContract(factory, { folder: import.meta.dirname, config: { output: 'stderr' }, typoKey: 'verbosity', expectSendOutcome: 'ok' });

async function printed(verbosity: 'basic' | 'normal' | 'detailed'): Promise<string> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const exporter = new DebugExporter(out, verbosity);
  const batch = makeBatch(2, { 'device.id': 'VM001' });
  batch.records[1]!.attributes = { component: 'payment', txn: 'abc123' };
  assert.equal((await exporter.send(batch)).outcome, 'ok');
  await exporter.shutdown();
  return Buffer.concat(chunks).toString();
}

describe('debug exporter', () => {
  test('testdata: configs valid, typo named', () => {
    const load = (name: string): unknown => parse(readFileSync(join(import.meta.dirname, 'testdata', name), 'utf8'));
    assert.deepEqual(validateComponentConfig(factory, load('valid-minimal.yaml')).issues, []);
    assert.deepEqual(validateComponentConfig(factory, load('valid-full.yaml')).issues, []);
    assert.match(validateComponentConfig(factory, load('invalid-unknown-key.yaml')).issues[0]!.message, /did you mean 'verbosity'/);
  });

  test('basic: a summary line; normal: one line per record with the PRD letter; detailed: every field', async () => {
    assert.equal(await printed('basic'), 'Logs: 2 records (device.id=VM001)\n');
    assert.equal(await printed('normal'), [
      'Logs: 2 records (device.id=VM001)',
      '2026-01-22T14:30:15.123Z D payment test record 0 {seq=0}',
      '2026-01-22T14:30:15.124Z I payment test record 1 {txn=abc123}',
      '',
    ].join('\n'));
    const detailed = await printed('detailed');
    for (const part of ['Resource attributes:', '-> device.id: "VM001"', 'LogRecord #1', 'SeverityNumber: 9', 'Body: "test record 1"', '-> txn: "abc123"', 'RecordId: test:1']) {
      assert.ok(detailed.includes(part), `missing ${part} in\n${detailed}`);
    }
  });

  test('a record without time or component still prints', () => {
    assert.equal(formatRecordLine({ timeUnixNano: '0', observedTimeUnixNano: '0', severityNumber: 0, severityText: '', body: { a: 1 }, attributes: {} }), '- - - {"a":1}');
  });

  test('a slow stream slows send() instead of buffering without bound', async () => {
    let release: (() => void) | undefined;
    const slow = new Writable({ highWaterMark: 16, write: (_chunk, _enc, done) => { release = done; } });
    const exporter = new DebugExporter(slow, 'normal');
    let settled = false;
    const sending = exporter.send(makeBatch(3)).then(() => { settled = true; });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(settled, false, 'send waits for the stream to drain');
    release?.();
    await sending;
    assert.equal(settled, true);
  });
});

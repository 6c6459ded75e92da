import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { validateComponentConfig } from '../../../collector/testkit/index.js';
import { toOptions, type FileLogConfig } from './config.js';
import factory from './index.js';

const load = (name: string): unknown => parse(readFileSync(join(import.meta.dirname, 'testdata', name), 'utf8'));

test('testdata: minimal and full configs are valid; defaults fill in', () => {
  const minimal = validateComponentConfig<FileLogConfig>(factory, load('valid-minimal.yaml'));
  assert.deepEqual(minimal.issues, []);
  const options = toOptions(minimal.config);
  assert.equal(options.startAt, 'end');
  assert.equal(options.parser, 'auto');
  assert.equal(options.pollIntervalMs, 200);
  assert.equal(options.maxLineBytes, 1024 * 1024);
  const full = validateComponentConfig<FileLogConfig>(factory, load('valid-full.yaml'));
  assert.deepEqual(full.issues, []);
  assert.equal(toOptions(full.config).maxLineBytes, 64 * 1024);
  assert.equal(toOptions(full.config).checkpointIntervalMs, 2000);
});

test('testdata: a typo is named with a suggestion; wrong values are each reported', () => {
  const typo = validateComponentConfig(factory, load('invalid-unknown-key.yaml'));
  assert.equal(typo.issues.length, 1);
  assert.match(typo.issues[0]!.message, /'strat_at'.*did you mean 'start_at'/);
  const types = validateComponentConfig(factory, load('invalid-types.yaml'));
  assert.deepEqual(types.issues.map((i) => i.path.join('.')).sort(), ['include', 'parser', 'poll_interval']);
});

test('each include is claimed as a resource, so two receivers on one glob are reported', () => {
  assert.deepEqual(factory.resources?.({ include: ['/var/log/a.log', 'logs/*.log'] }), ['file:/var/log/a.log', `file:${join(process.cwd(), 'logs/*.log')}`]);
});

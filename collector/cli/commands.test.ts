import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { COMMANDS } from './commands.js';

test('every row of the command table names and summarises the command its module exports', async () => {
  const names = new Set<string>();
  for (const entry of COMMANDS) {
    assert.ok(!names.has(entry.name), `two rows named ${entry.name}`);
    names.add(entry.name);
    const command = await entry.load();
    assert.equal(command.name, entry.name);
    assert.equal(command.summary, entry.summary, `summary of '${entry.name}' differs from its module's`);
    assert.ok(command.help.length > 0);
  }
});

test('the command table and main.ts import no command module up front (only types and the table)', () => {
  const valueImports = (file: string): string[] => readFileSync(join(import.meta.dirname, file), 'utf8')
    .split('\n').filter((line) => /^import\s/.test(line) && !/^import type\s/.test(line))
    .map((line) => /from '([^']+)'/.exec(line)?.[1] ?? line);
  assert.deepEqual(valueImports('commands.ts'), []);
  assert.deepEqual(valueImports('main.ts').sort(), ['./commands.js', './version.js']);
});

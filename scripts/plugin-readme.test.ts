import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defineExporter } from '../collector/component/index.js';
import { END_MARKER, START_MARKER, pluginFolders, renderReadme, staleReadmes } from './plugin-readme.js';

test('every plugin README has an options table that matches its schema (run scripts/plugin-readme.ts to fix)', async () => {
  const folders = await pluginFolders();
  assert.ok(folders.length >= 3);
  assert.deepEqual(await staleReadmes(false), []);
});

test('the table lists each option with type, default and description; prose outside the markers is kept', () => {
  const factory = defineExporter({
    type: 'demo',
    stability: 'alpha',
    configSchema: {
      type: 'object', additionalProperties: false, required: ['endpoint'],
      properties: {
        endpoint: { type: 'string', description: 'Where to | send.' },
        timeout: { anyOf: [{ type: 'number' }, { type: 'string', pattern: '^(ms|s|m|h|d)$' }], default: '5s', description: 'Wait.' },
        mode: { enum: ['a', 'b'], default: 'a', description: 'Mode.' },
        headers: { type: 'object', additionalProperties: { type: 'string' }, default: {}, description: 'Extra headers.' },
        tls: { type: 'object', additionalProperties: false, properties: { ca_file: { type: 'string', description: 'CA.' } }, description: 'TLS.' },
      },
    },
    create: () => { throw new Error('not used'); },
  });
  const fresh = renderReadme(undefined, factory);
  for (const row of [
    '| `endpoint` | string | (required) | Where to \\| send. |',
    '| `timeout` | duration | `"5s"` | Wait. |',
    '| `mode` | `a` \\| `b` | `"a"` | Mode. |',
    '| `headers` | map of string | `{}` | Extra headers. |',
    '| `tls.ca_file` | string |  | CA. |',
  ]) assert.ok(fresh.includes(row), `missing ${row} in\n${fresh}`);
  const edited = fresh.replace(END_MARKER, `${END_MARKER}\n\nHand-written notes.`).replace('| Mode. |', '| Stale. |');
  const again = renderReadme(edited, factory);
  assert.ok(again.includes('Hand-written notes.'));
  assert.ok(again.includes('| Mode. |') && !again.includes('Stale.'));
  assert.equal(again.split(START_MARKER).length, 2);
});

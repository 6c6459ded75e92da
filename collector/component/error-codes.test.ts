import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { COLLECTOR_ERROR_CODES } from './error-codes.js';

const docs = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
const documented = new Set([...docs.matchAll(/^### (FLEETLOG_ERR_[A-Z0-9_]+)\s*$/gm)].map((m) => m[1]));

test('every collector error code has a section in docs/errors.md', () => {
  const missing = Object.keys(COLLECTOR_ERROR_CODES).filter((code) => !documented.has(code));
  assert.deepEqual(missing, []);
});

test('collector error codes follow the FLEETLOG_ERR_ naming and have a meaning', () => {
  for (const [code, meaning] of Object.entries(COLLECTOR_ERROR_CODES)) {
    assert.match(code, /^FLEETLOG_ERR_[A-Z0-9_]+$/);
    assert.ok(meaning.length > 10, code);
  }
});

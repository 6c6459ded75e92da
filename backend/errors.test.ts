import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { BACKEND_ERROR_CODES } from './errors.js';
import { COLLECTOR_ERROR_CODES } from '../collector/component/error-codes.js';

const docs = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');
const backendPart = docs.slice(docs.indexOf('\n## Backend'));
const documented = new Set([...backendPart.matchAll(/^### (FLEETLOG_ERR_[A-Z0-9_]+)\s*$/gm)].map((m) => m[1]));

test('every backend error code has a section under "## Backend" in docs/errors.md, and no section is stale', () => {
  const codes = Object.keys(BACKEND_ERROR_CODES);
  assert.deepEqual(codes.filter((c) => !documented.has(c)), []);
  assert.deepEqual([...documented].filter((c) => !codes.includes(c!) && !(c! in COLLECTOR_ERROR_CODES)), []);
});

test('backend codes are distinct from collector codes, named FLEETLOG_ERR_*, with a status and a meaning', () => {
  for (const [code, { status, meaning }] of Object.entries(BACKEND_ERROR_CODES)) {
    assert.match(code, /^FLEETLOG_ERR_[A-Z0-9_]+$/);
    assert.ok(!(code in COLLECTOR_ERROR_CODES), code);
    assert.ok(status >= 400 && status < 600, code);
    assert.ok(meaning.length > 10, code);
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { missingPlatformEntries } from './lock-platform-packages.mjs';

test('package-lock.json lists every platform package of chDB, so npm 11 `npm ci` accepts it', () => {
  const lock = JSON.parse(readFileSync(new URL('../package-lock.json', import.meta.url), 'utf8'));
  assert.deepEqual(missingPlatformEntries(lock), [], 'run: node scripts/lock-platform-packages.mjs');
});

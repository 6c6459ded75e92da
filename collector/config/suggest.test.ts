import assert from 'node:assert/strict';
import { test } from 'node:test';
import { closest, editDistance } from './suggest.js';

test('edit distance counts inserts, deletes, substitutions and neighbour swaps', () => {
  assert.equal(editDistance('max_byts', 'max_bytes'), 1);
  assert.equal(editDistance('recievers', 'receivers'), 1);
  assert.equal(editDistance('abc', 'abc'), 0);
  assert.equal(editDistance('', 'abc'), 3);
  assert.equal(editDistance('kitten', 'sitting'), 3);
});

test('closest suggests near words only', () => {
  const keys = ['max_bytes', 'backup_count', 'path'];
  assert.equal(closest('max_byts', keys), 'max_bytes');
  assert.equal(closest('bakup_count', keys), 'backup_count');
  assert.equal(closest('colour', keys), undefined);
  assert.equal(closest('warning', ['debug', 'info', 'warn']), 'warn');
  assert.equal(closest('x', ['y']), 'y');
});

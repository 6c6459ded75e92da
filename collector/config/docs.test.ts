// docs/configuration.md describes every key of `service` (the schema is the source; this keeps the page honest).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { serviceSchema } from './host-schema.js';

function keyPaths(schema: Record<string, unknown>, prefix: string): string[] {
  const properties = schema.properties as Record<string, Record<string, unknown>> | undefined;
  if (properties) return Object.entries(properties).flatMap(([key, child]) => keyPaths(child, prefix === '' ? key : `${prefix}.${key}`));
  const additional = schema.additionalProperties;
  if (additional !== null && typeof additional === 'object' && (additional as Record<string, unknown>).properties) {
    return keyPaths(additional as Record<string, unknown>, `${prefix}.<name>`);
  }
  return [prefix];
}

test('docs/configuration.md has a row for every service key', () => {
  const page = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'configuration.md'), 'utf8');
  const missing = keyPaths(serviceSchema as unknown as Record<string, unknown>, '').filter((path) => !page.includes(`| \`${path}\``));
  assert.deepEqual(missing, []);
});

// Short human descriptions of what a schema accepts, for messages ("a duration like 5s or 500ms").
import { BYTES_SCHEMA, DURATION_SCHEMA } from './units.js';

const DURATION_PATTERN = (DURATION_SCHEMA.anyOf[1] as { pattern: string }).pattern;
const BYTES_PATTERN = (BYTES_SCHEMA.anyOf[1] as { pattern: string }).pattern;

export function describeExpected(schema: unknown): string {
  if (schema === null || typeof schema !== 'object') return 'a value';
  const s = schema as Record<string, unknown>;
  if (s.pattern === DURATION_PATTERN) return 'a duration like 500ms, 5s, 1m, 1h';
  if (s.pattern === BYTES_PATTERN) return 'a size like 512, 64KiB, 10MiB';
  if (Array.isArray(s.enum)) return `one of ${s.enum.map((v) => JSON.stringify(v)).join(', ')}`;
  if ('const' in s) return JSON.stringify(s.const);
  const types = Array.isArray(s.type) ? s.type : s.type === undefined ? [] : [s.type];
  const words: Record<string, string> = { object: 'a mapping', array: 'a list', string: 'a string', integer: 'an integer', number: 'a number', boolean: 'true or false', null: 'empty' };
  const base = types.map((t) => words[String(t)] ?? String(t)).join(' or ') || 'a value';
  const min = typeof s.minimum === 'number' ? ` ≥ ${s.minimum}` : '';
  const max = typeof s.maximum === 'number' ? ` ≤ ${s.maximum}` : '';
  return `${base}${min}${max}`;
}

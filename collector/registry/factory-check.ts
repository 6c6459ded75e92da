// What a module must export to be a plugin: a factory (or an array of them) that keeps the contract's shape.
import type { AnyFactory } from '../component/contract.js';
import { compileSchema } from '../config/ajv.js';

const KINDS = new Set(['receiver', 'processor', 'exporter']);
const STABILITIES = new Set(['development', 'alpha', 'beta', 'stable', 'deprecated']);

/** Problems that make `value` unusable as a factory (empty when it is one). */
export function factoryProblems(value: unknown): string[] {
  if (value === null || typeof value !== 'object') return [`expected a factory object, got ${value === null ? 'null' : typeof value}`];
  const f = value as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof f.kind !== 'string' || !KINDS.has(f.kind)) problems.push(`kind must be receiver, processor or exporter (got ${JSON.stringify(f.kind)}); use defineReceiver/defineProcessor/defineExporter`);
  if (typeof f.type !== 'string' || !/^[a-z][a-z0-9_]*$/.test(f.type)) problems.push(`type must be lower_snake_case (got ${JSON.stringify(f.type)})`);
  if (typeof f.stability !== 'string' || !STABILITIES.has(f.stability)) problems.push(`stability must be one of ${[...STABILITIES].join(', ')}`);
  if (typeof f.create !== 'function') problems.push('create must be a function');
  if (f.configSchema === null || typeof f.configSchema !== 'object') {
    problems.push('configSchema must be a JSON Schema object');
  } else {
    try {
      compileSchema(f.configSchema as Record<string, unknown>);
    } catch (error) {
      problems.push(`configSchema does not compile: ${(error as Error).message}`);
    }
  }
  return problems;
}

export function isFactory(value: unknown): value is AnyFactory {
  return factoryProblems(value).length === 0;
}

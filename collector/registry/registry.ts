// The type → factory table. Built-ins come from builtin.ts, external plugins from `plugins:` (load-plugins.ts).
// A type is unique per kind (a receiver `file` and an exporter `file` may both exist); a second factory for the same
// kind and type is an error that names both sources.
import type { AnyFactory, Kind } from '../component/contract.js';
import { BUILTIN_FACTORIES } from './builtin.js';

export interface RegisteredFactory {
  readonly factory: AnyFactory;
  /** `built-in`, or the `plugins:` entry it came from. */
  readonly source: string;
}

export const BUILTIN_SOURCE = 'built-in';

export class Registry {
  readonly #entries = new Map<string, RegisteredFactory>();

  /** Adds a factory; returns an error message (and keeps the first) when its kind and type are taken. */
  add(factory: AnyFactory, source: string): string | undefined {
    const key = `${factory.kind}:${factory.type}`;
    const existing = this.#entries.get(key);
    if (existing) {
      return `${factory.kind} type '${factory.type}' is registered twice: by ${describe(existing.source)} and by ${describe(source)}`;
    }
    this.#entries.set(key, { factory, source });
    return undefined;
  }

  get(kind: Kind, type: string): RegisteredFactory | undefined {
    return this.#entries.get(`${kind}:${type}`);
  }

  /** The registered types of one kind, sorted. */
  types(kind: Kind): string[] {
    return [...this.#entries.values()].filter((e) => e.factory.kind === kind).map((e) => e.factory.type).sort();
  }

  all(): RegisteredFactory[] {
    return [...this.#entries.values()].sort((a, b) => a.factory.kind.localeCompare(b.factory.kind) || a.factory.type.localeCompare(b.factory.type));
  }
}

function describe(source: string): string {
  return source === BUILTIN_SOURCE ? 'a built-in plugin' : `plugin '${source}'`;
}

/** A registry holding the bundled plugins (`factories` replaces them, for tests). */
export function createRegistry(factories: readonly AnyFactory[] = BUILTIN_FACTORIES): Registry {
  const registry = new Registry();
  for (const factory of factories) {
    const problem = registry.add(factory, BUILTIN_SOURCE);
    if (problem) throw new Error(problem);
  }
  return registry;
}

// External plugins from `plugins:`. An entry is a relative or absolute path to a .js/.mjs file (from the config's
// folder) or an npm package name resolved from the config's folder upwards (node_modules), whose ESM entry point
// default-exports a factory or an array of factories.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AnyFactory } from '../component/contract.js';
import { factoryProblems } from './factory-check.js';
import type { Registry } from './registry.js';

export interface PluginProblem {
  /** Index of the entry in `plugins:`. */
  readonly index: number;
  readonly code: 'FLEETLOG_ERR_PLUGIN_LOAD' | 'FLEETLOG_ERR_PLUGIN_DUPLICATE';
  readonly message: string;
}

const FILE_EXTENSIONS = new Set(['.js', '.mjs', '.cjs']);

export function isPathEntry(entry: string): boolean {
  return entry.startsWith('./') || entry.startsWith('../') || isAbsolute(entry) || entry.startsWith('.\\');
}

/** Loads every entry into the registry; returns every problem (none thrown). */
export async function loadPlugins(entries: readonly string[], fromDirectory: string, registry: Registry): Promise<PluginProblem[]> {
  const problems: PluginProblem[] = [];
  for (const [index, entry] of entries.entries()) {
    let factories: unknown[];
    try {
      const file = resolvePluginEntry(entry, fromDirectory);
      const module = (await import(pathToFileURL(file).href)) as { default?: unknown };
      if (module.default === undefined) throw new Error(`'${entry}' has no default export (export default a factory or an array of factories)`);
      factories = Array.isArray(module.default) ? module.default : [module.default];
      if (factories.length === 0) throw new Error(`'${entry}' exports an empty array of factories`);
    } catch (error) {
      problems.push({ index, code: 'FLEETLOG_ERR_PLUGIN_LOAD', message: `cannot load plugin '${entry}': ${(error as Error).message.split('\n')[0]}` });
      continue;
    }
    for (const [position, factory] of factories.entries()) {
      const wrong = factoryProblems(factory);
      const which = factories.length > 1 ? ` (export ${position})` : '';
      if (wrong.length > 0) {
        problems.push({ index, code: 'FLEETLOG_ERR_PLUGIN_LOAD', message: `plugin '${entry}'${which} is not a valid factory: ${wrong.join('; ')}` });
        continue;
      }
      const duplicate = registry.add(factory as AnyFactory, entry);
      if (duplicate) problems.push({ index, code: 'FLEETLOG_ERR_PLUGIN_DUPLICATE', message: duplicate });
    }
  }
  return problems;
}

/** The file an entry names. Throws with a reason when it cannot be found. */
export function resolvePluginEntry(entry: string, fromDirectory: string): string {
  if (isPathEntry(entry)) {
    const file = resolve(fromDirectory, entry);
    if (!FILE_EXTENSIONS.has(extname(file))) throw new Error(`a plugin path must end in .js or .mjs (got '${entry}')`);
    if (!existsSync(file)) throw new Error(`no such file ${file}`);
    return file;
  }
  return resolvePackage(entry, fromDirectory);
}

function resolvePackage(name: string, fromDirectory: string): string {
  const [packageName, subpath] = splitPackage(name);
  for (let dir = resolve(fromDirectory); ; dir = dirname(dir)) {
    const packageDir = join(dir, 'node_modules', packageName);
    const manifest = join(packageDir, 'package.json');
    if (existsSync(manifest)) {
      const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as Record<string, unknown>;
      const target = exportTarget(pkg.exports, subpath) ?? (subpath === '.' ? (pkg.module ?? pkg.main ?? 'index.js') : subpath);
      const file = resolve(packageDir, String(target));
      if (existsSync(file) && statSync(file).isFile()) return file;
      throw new Error(`package '${packageName}' at ${packageDir} has no entry file ${file}`);
    }
    if (dirname(dir) === dir) break;
  }
  try {
    return createRequire(join(fromDirectory, 'noop.js')).resolve(name);
  } catch {
    throw new Error(`package '${name}' not found in node_modules from ${fromDirectory} upwards (npm install it next to the config, or give a ./path.mjs)`);
  }
}

function splitPackage(name: string): [string, string] {
  const parts = name.split('/');
  const count = name.startsWith('@') ? 2 : 1;
  const rest = parts.slice(count).join('/');
  return [parts.slice(0, count).join('/'), rest === '' ? '.' : `./${rest}`];
}

/** The file of `subpath` in a package.json `exports` field (conditions import > node > default). */
function exportTarget(exports: unknown, subpath: string): string | undefined {
  if (exports === undefined || exports === null) return undefined;
  if (typeof exports === 'string') return subpath === '.' ? exports : undefined;
  if (Array.isArray(exports)) return exports.map((e) => exportTarget(e, subpath)).find((t) => t !== undefined);
  const map = exports as Record<string, unknown>;
  const keys = Object.keys(map);
  if (keys.some((k) => k.startsWith('.'))) return conditional(map[subpath]);
  return subpath === '.' ? conditional(map) : undefined;
}

function conditional(target: unknown): string | undefined {
  if (typeof target === 'string') return target;
  if (target === null || typeof target !== 'object') return undefined;
  const map = target as Record<string, unknown>;
  for (const condition of ['import', 'node', 'default']) {
    const found = conditional(map[condition]);
    if (found !== undefined) return found;
  }
  return undefined;
}

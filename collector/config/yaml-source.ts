// A YAML file parsed with positions: `value` is plain JSON-like data (env references substituted), and
// `locate(path)` maps a path into it back to the line and column in the file. The backend reuses this for its
// own YAML (`loadYamlFile` + `validateWithSchema` + `formatIssue`).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isMap, isPair, isScalar, isSeq, LineCounter, parse, parseDocument, visit, type Document, type Node } from 'yaml';
import { environmentWithDotEnv, hasReference, substitute, type Environment } from './env.js';
import type { ConfigIssue, ConfigPath, SourcePosition } from './issue.js';

export interface YamlSource {
  /** The file name as given (used in messages). */
  readonly file: string;
  /** The folder the file is in: relative paths in the config are resolved from here. */
  readonly directory: string;
  /** The parsed data, env references substituted; undefined when the YAML could not be parsed. */
  readonly value: unknown;
  /** YAML syntax errors and env problems found while loading. */
  readonly issues: readonly ConfigIssue[];
  /** Line and column of a path's key (`at: 'key'`, default) or of its value; the nearest ancestor if it is absent. */
  locate(path: ConfigPath, at?: 'key' | 'value'): SourcePosition | undefined;
}

export interface LoadYamlOptions {
  /** The environment for `${env:…}` (default process.env); `.env` beside the file fills in unset names. */
  readonly env?: Environment;
  /** Read `.env` beside the file (default true). */
  readonly dotEnv?: boolean;
}

/** Reads and parses a YAML file. Never throws: a read failure becomes an issue with code FLEETLOG_ERR_CONFIG_READ. */
export function loadYamlFile(file: string, options: LoadYamlOptions = {}): YamlSource {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    return emptySource(file, [{ code: 'FLEETLOG_ERR_CONFIG_READ', severity: 'error', path: [], message: `cannot read the file: ${reason}`, file }]);
  }
  const env = options.dotEnv === false ? (options.env ?? process.env) : environmentWithDotEnv(join(dirname(file), '.env'), options.env ?? process.env);
  return parseYamlText(text, file, env);
}

/** Parses YAML text as if it were the file `file`. */
export function parseYamlText(text: string, file: string, env: Environment = process.env): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  const issues: ConfigIssue[] = [];
  const at = (offset: number): SourcePosition => lineCounter.linePos(offset);
  for (const error of [...doc.errors, ...doc.warnings]) {
    const offset = error.pos[0];
    const message = error.message.split('\n')[0] ?? error.message;
    issues.push({
      code: 'FLEETLOG_ERR_CONFIG_YAML',
      severity: doc.errors.includes(error as never) ? 'error' : 'warning',
      path: [],
      message: message.replace(/ at line \d+, column \d+:?$/, ''),
      file,
      position: at(offset),
    });
  }
  if (doc.errors.length > 0) return { ...emptySource(file, issues), locate: (path, where) => locateIn(doc, lineCounter, path, where) };
  substituteEnv(doc, env, file, at, issues);
  const value = doc.toJS({ maxAliasCount: 1000 }) as unknown;
  return {
    file,
    directory: dirname(file),
    value: value ?? undefined,
    issues,
    locate: (path, where = 'key') => locateIn(doc, lineCounter, path, where),
  };
}

function emptySource(file: string, issues: ConfigIssue[]): YamlSource {
  return { file, directory: dirname(file), value: undefined, issues, locate: () => undefined };
}

function substituteEnv(doc: Document, env: Environment, file: string, at: (offset: number) => SourcePosition, issues: ConfigIssue[]): void {
  visit(doc, {
    Scalar(_key, node, ancestors) {
      if (typeof node.value !== 'string' || !hasReference(node.value)) return;
      const result = substitute(node.value, env);
      const position = node.range ? at(node.range[0]) : undefined;
      const path = pathOf(ancestors);
      for (const name of result.missing) {
        issues.push({
          code: 'FLEETLOG_ERR_CONFIG_ENV', severity: 'error', path, file, ...(position ? { position } : {}),
          message: `environment variable ${name} is not set and has no default (write \${env:${name}:-default} to give one)`,
        });
      }
      if (result.malformed !== undefined) {
        issues.push({
          code: 'FLEETLOG_ERR_CONFIG_ENV', severity: 'error', path, file, ...(position ? { position } : {}),
          message: `${result.malformed} is not an environment reference; write \${env:NAME} or \${env:NAME:-default} (or $\${…} for a literal)`,
        });
      }
      node.value = result.whole && node.type === 'PLAIN' ? typedScalar(result.value) : result.value;
    },
  });
}

/** A value substituted for a whole unquoted reference is read as YAML would read it: `4318` is a number. */
function typedScalar(text: string): unknown {
  try {
    const parsed = parse(text) as unknown;
    return parsed === null || typeof parsed === 'object' ? text : parsed;
  } catch {
    return text;
  }
}

function pathOf(ancestors: readonly unknown[]): (string | number)[] {
  const path: (string | number)[] = [];
  for (let i = 0; i < ancestors.length; i += 1) {
    const item = ancestors[i];
    if (isPair(item)) path.push(String(isScalar(item.key) ? item.key.value : item.key));
    else if (isSeq(item)) {
      const child = ancestors[i + 1];
      const index = child === undefined ? -1 : item.items.indexOf(child as never);
      if (index >= 0) path.push(index);
    }
  }
  return path;
}

function locateIn(doc: Document, lineCounter: LineCounter, path: ConfigPath, where: 'key' | 'value' = 'key'): SourcePosition | undefined {
  let node: unknown = doc.contents;
  let keyNode: Node | undefined;
  let best: Node | undefined = (doc.contents as Node | null) ?? undefined;
  for (const part of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(part));
      if (!pair) break;
      keyNode = isScalar(pair.key) ? pair.key : undefined;
      best = keyNode ?? best;
      node = pair.value;
      if (node && where === 'value') best = node as Node;
    } else if (isSeq(node) && typeof part === 'number') {
      const item = node.items[part];
      if (item === undefined) break;
      node = item;
      best = item as Node;
      keyNode = undefined;
    } else {
      break;
    }
  }
  const range = best?.range;
  return range ? lineCounter.linePos(range[0]) : undefined;
}

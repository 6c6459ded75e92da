// Validates a value against a JSON Schema with the shared ajv setup and turns ajv's errors into ConfigIssues with
// a path, a position in the YAML source, a readable message and a stable code. The value is changed in place:
// defaults declared in the schema are filled in.
import type { ErrorObject } from 'ajv';
import { compileSchema } from './ajv.js';
import type { ConfigIssue, ConfigPath } from './issue.js';
import { closest } from './suggest.js';
import { describeExpected } from './describe-schema.js';
import type { YamlSource } from './yaml-source.js';

type Schema = Record<string, unknown>;

/**
 * Every problem of `value` under `schema`. `basePath` is where `value` sits in `source` (e.g.
 * `['exporters', 'file']`), so that issues carry the full path and the file position.
 */
export function validateWithSchema(schema: Schema, value: unknown, source?: Pick<YamlSource, 'file' | 'locate'>, basePath: ConfigPath = []): ConfigIssue[] {
  const validate = compileSchema(schema);
  if (validate(value)) return [];
  const errors = selectErrors(validate.errors ?? [], schema, value);
  const issues: ConfigIssue[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    const issue = toIssue(error, schema, value, basePath);
    if (!issue) continue;
    const key = `${issue.path.join('\u0000')}|${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const position = source?.locate(issue.path, 'key');
    issues.push({ ...issue, ...(source ? { file: source.file } : {}), ...(position ? { position } : {}) });
  }
  return issues;
}

/** JSON pointer (`/a/0/b`) to path parts. */
export function pointerToPath(pointer: string): (string | number)[] {
  if (pointer === '' || pointer === '#') return [];
  return pointer.replace(/^#/, '').split('/').slice(1).map((part) => {
    const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
    return /^\d+$/.test(key) ? Number(key) : key;
  });
}

function schemaAt(schema: Schema, schemaPath: string): unknown {
  let node: unknown = schema;
  for (const part of pointerToPath(schemaPath)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[part];
  }
  return node;
}

function valueAt(value: unknown, path: readonly (string | number)[]): unknown {
  let node = value;
  for (const part of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[part];
  }
  return node;
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function branchAccepts(branch: unknown, type: string): boolean {
  if (branch === null || typeof branch !== 'object') return true;
  const declared = (branch as { type?: unknown }).type;
  const enumValues = (branch as { enum?: unknown }).enum;
  if (declared === undefined) {
    if (Array.isArray(enumValues)) return enumValues.some((v) => jsonType(v) === type || (type === 'integer' && typeof v === 'number'));
    return true;
  }
  const types = Array.isArray(declared) ? declared : [declared];
  return types.some((t) => t === type || (t === 'number' && type === 'integer'));
}

/**
 * ajv reports every failed branch of an anyOf/oneOf. When the value's type picks exactly one branch (an object
 * where the branches are string | object), that branch's errors are the useful ones; otherwise one summary.
 */
function selectErrors(errors: readonly ErrorObject[], schema: Schema, value: unknown): ErrorObject[] {
  let result = [...errors];
  const unions = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
  // Innermost first, so that an outer union sees its inner unions already resolved.
  unions.sort((a, b) => b.schemaPath.length - a.schemaPath.length);
  for (const union of unions) {
    if (!result.includes(union)) continue;
    const branches = schemaAt(schema, union.schemaPath);
    const prefix = `${union.schemaPath}/`;
    const inner = result.filter((e) => e.schemaPath.startsWith(prefix));
    if (!Array.isArray(branches)) continue;
    const type = jsonType(valueAt(value, pointerToPath(union.instancePath)));
    const fitting = branches.map((b, i) => (branchAccepts(b, type) ? i : -1)).filter((i) => i >= 0);
    if (fitting.length === 1 && isStructured(branches[fitting[0]!])) {
      const keep = `${prefix}${fitting[0]}/`;
      result = result.filter((e) => e !== union && (!e.schemaPath.startsWith(prefix) || e.schemaPath.startsWith(keep)));
    } else {
      result = result.filter((e) => !inner.includes(e));
    }
  }
  // `if` failures are not errors of their own; `then`/`else` say what went wrong.
  return result.filter((e) => e.keyword !== 'if');
}

function isStructured(branch: unknown): boolean {
  const type = (branch as { type?: unknown } | null)?.type;
  return type === 'object' || type === 'array';
}

type PartialIssue = Omit<ConfigIssue, 'file' | 'position'>;

function toIssue(error: ErrorObject, schema: Schema, value: unknown, basePath: ConfigPath): PartialIssue | undefined {
  const at = pointerToPath(error.instancePath);
  const path = [...basePath, ...at];
  const got = valueAt(value, at);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const parent = schemaAt(schema, error.schemaPath.replace(/\/additionalProperties$/, '')) as Schema | undefined;
      const known = Object.keys((parent?.properties as Schema | undefined) ?? {});
      const suggestion = closest(key, known);
      const hint = suggestion !== undefined
        ? `; did you mean '${suggestion}'?`
        : known.length > 0 ? ` (known keys: ${known.join(', ')})` : ' (this section takes no keys)';
      return { code: 'FLEETLOG_ERR_CONFIG_UNKNOWN_KEY', severity: 'error', path: [...path, key], message: `unknown key '${key}'${hint}` };
    }
    case 'required':
      return { code: 'FLEETLOG_ERR_CONFIG_REQUIRED', severity: 'error', path, message: `missing required key '${String(params.missingProperty)}'` };
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]) ?? [];
      const suggestion = typeof got === 'string' ? closest(got, allowed.filter((v): v is string => typeof v === 'string')) : undefined;
      return {
        code: 'FLEETLOG_ERR_CONFIG_TYPE', severity: 'error', path,
        message: `${show(got)} is not one of ${allowed.map((v) => show(v)).join(', ')}${suggestion !== undefined ? `; did you mean '${suggestion}'?` : ''}`,
      };
    }
    case 'type':
      return { code: 'FLEETLOG_ERR_CONFIG_TYPE', severity: 'error', path, message: `must be ${article(String(params.type))}, not ${show(got)}` };
    case 'anyOf':
    case 'oneOf': {
      const branches = schemaAt(schema, error.schemaPath);
      const expected = Array.isArray(branches) ? branches.map((b) => describeExpected(b)).join(', or ') : 'a valid value';
      return { code: 'FLEETLOG_ERR_CONFIG_TYPE', severity: 'error', path, message: `must be ${expected}, not ${show(got)}` };
    }
    case 'false schema':
      return { code: 'FLEETLOG_ERR_CONFIG_UNKNOWN_KEY', severity: 'error', path, message: 'this key is not allowed here' };
    default:
      return { code: 'FLEETLOG_ERR_CONFIG_TYPE', severity: 'error', path, message: `${error.message ?? 'is invalid'} (got ${show(got)})` };
  }
}

function article(type: string): string {
  const words: Record<string, string> = { object: 'a mapping', array: 'a list', string: 'a string', integer: 'an integer', number: 'a number', boolean: 'true or false', null: 'empty' };
  return type.split(',').map((t) => words[t] ?? t).join(' or ');
}

/** A value for a message: short JSON, cut at 60 characters. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

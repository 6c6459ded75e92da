// A component's full config schema and its validation: the plugin's own schema, plus — for exporters — the
// host-owned keys `queue`, `retry` and `batch` (collector/delivery/config.ts), so one schema says every key.
// An exporter's `hostDefaults` replace the host's defaults of those keys in its schema (ajv fills them in).
import type { AnyFactory, ExporterFactory } from '../component/contract.js';
import { batchSchema, HOST_EXPORTER_KEYS, queueSchema, retrySchema } from '../delivery/config.js';
import { compileSchema } from './ajv.js';
import type { ConfigIssue, ConfigPath } from './issue.js';
import { validateWithSchema } from './validate-schema.js';
import type { YamlSource } from './yaml-source.js';

type Schema = Record<string, unknown>;
const merged = new WeakMap<AnyFactory, Schema>();

/** The schema a component's YAML is validated against (the same object on every call, so ajv compiles it once). */
export function componentConfigSchema(factory: AnyFactory): Schema {
  let schema = merged.get(factory);
  if (schema) return schema;
  if (factory.kind === 'exporter') {
    const own = factory.configSchema;
    const properties = (own.properties as Schema | undefined) ?? {};
    const clash = HOST_EXPORTER_KEYS.filter((key) => key in properties);
    if (clash.length > 0) throw new Error(`exporter '${factory.type}' declares host-owned key(s) ${clash.join(', ')} in its schema`);
    schema = {
      ...own,
      type: 'object',
      properties: {
        ...properties,
        queue: hostKeySchema(factory, 'queue', queueSchema),
        retry: hostKeySchema(factory, 'retry', retrySchema),
        batch: hostKeySchema(factory, 'batch', batchSchema),
      },
    };
  } else {
    schema = factory.configSchema;
  }
  merged.set(factory, schema);
  return schema;
}

/**
 * One host-owned key's schema for this exporter: the host's, with the factory's `hostDefaults` for it as the
 * defaults. Throws when they are not valid values of the host's schema (a bug in the plugin, found at load).
 */
function hostKeySchema(factory: ExporterFactory, key: (typeof HOST_EXPORTER_KEYS)[number], host: Schema): Schema {
  const own: unknown = factory.hostDefaults?.[key];
  if (own === undefined) return { ...host, default: {} };
  if (own === null || typeof own !== 'object') throw new Error(`exporter '${factory.type}' declares invalid hostDefaults.${key}: not an object`);
  const check = compileSchema(host);
  if (!check(structuredClone(own))) {
    const why = (check.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}${'additionalProperty' in e.params ? ` '${String(e.params.additionalProperty)}'` : ''}`);
    throw new Error(`exporter '${factory.type}' declares invalid hostDefaults.${key}: ${why.join('; ')}`);
  }
  const properties = { ...(host.properties as Record<string, Schema>) };
  for (const [name, value] of Object.entries(own)) properties[name] = { ...properties[name], default: value };
  return { ...host, properties, default: {} };
}

export interface ComponentValidation<C = Record<string, unknown>> {
  /** The config with defaults filled in (a copy; the input is not changed). */
  readonly config: C;
  readonly issues: readonly ConfigIssue[];
}

/**
 * Validates one component's YAML (`null` — a key with nothing under it — counts as `{}`): schema first, then, if
 * the schema passed, the factory's own cross-field `validate()`. Every problem is returned, none thrown.
 */
export function validateComponentConfig<C = Record<string, unknown>>(
  factory: AnyFactory, raw: unknown, source?: Pick<YamlSource, 'file' | 'locate'>, basePath: ConfigPath = [],
): ComponentValidation<C> {
  const config = raw === null || raw === undefined ? {} : structuredClone(raw);
  let issues: ConfigIssue[];
  try {
    issues = validateWithSchema(componentConfigSchema(factory), config, source, basePath);
  } catch (error) {
    issues = [{ code: 'FLEETLOG_ERR_PLUGIN_LOAD', severity: 'error', path: basePath, message: `the ${factory.kind} '${factory.type}' has an invalid config schema: ${(error as Error).message}` }];
  }
  if (issues.length === 0 && factory.validate) {
    let problems: string[];
    try {
      problems = factory.validate(config as never);
    } catch (error) {
      problems = [`validate() threw: ${(error as Error).message}`];
    }
    for (const problem of problems) issues.push(ruleIssue(problem, config, source, basePath));
  }
  return { config: config as C, issues };
}

/** A factory rule message that starts with a key path (`max_bytes: must be …`) is placed at that key. */
function ruleIssue(problem: string, config: unknown, source: Pick<YamlSource, 'file' | 'locate'> | undefined, basePath: ConfigPath): ConfigIssue {
  const match = /^([A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*):\s+(.*)$/s.exec(problem);
  let path: ConfigPath = basePath;
  let message = problem;
  if (match && hasPath(config, match[1]!.split('.'))) {
    path = [...basePath, ...match[1]!.split('.')];
    message = match[2]!;
  }
  const position = source?.locate(path, 'key');
  return { code: 'FLEETLOG_ERR_CONFIG_RULE', severity: 'error', path, message, ...(source ? { file: source.file } : {}), ...(position ? { position } : {}) };
}

function hasPath(value: unknown, parts: readonly string[]): boolean {
  let node = value;
  for (const part of parts) {
    if (node === null || typeof node !== 'object' || !(part in node)) return false;
    node = (node as Record<string, unknown>)[part];
  }
  return true;
}

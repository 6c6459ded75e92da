// loadConfig: file → every problem, or a frozen ServiceConfig. The steps, each collecting issues and going on:
//   1. read + parse YAML with positions, substitute ${env:…} (.env beside the file)      yaml-source.ts
//   2. the config's own shape (top-level keys, service)                                   host-schema.ts
//   3. `plugins:` into the registry                                                       registry/load-plugins.ts
//   4. each component: known type, then its plugin's schema (+ host keys) and validate()  component-schema.ts
//   5. pipelines reference declared components; unused components warned about
//   6. resources() claims do not collide; the durability lint's warnings
import { resolve } from 'node:path';
import type { AnyFactory, ExporterFactory, Kind, ProcessorFactory, ReceiverFactory } from '../component/contract.js';
import type { Attributes } from '../component/log-record.js';
import { lintDurability, type DurabilityLintInput } from '../delivery/durability-lint.js';
import { createRegistry, type Registry } from '../registry/registry.js';
import { loadPlugins } from '../registry/load-plugins.js';
import { validateComponentConfig } from './component-schema.js';
import { COMPONENT_ID_HELP, parseComponentId } from './component-id.js';
import type { ComponentEntry, LogLevel, PipelineConfig, ServiceConfig } from './config-types.js';
import type { Environment } from './env.js';
import { deepFreeze } from './freeze.js';
import { hostSchema } from './host-schema.js';
import { hasErrors, sortIssues, type ConfigIssue, type ConfigPath } from './issue.js';
import { closest } from './suggest.js';
import { parseDurationMs } from './units.js';
import { validateWithSchema } from './validate-schema.js';
import { loadYamlFile, type YamlSource } from './yaml-source.js';

export interface LoadConfigOptions {
  /** Environment for ${env:…} (default process.env). */
  readonly env?: Environment;
  /** The registry to resolve types in (default: the built-ins); `plugins:` entries are added to it. */
  readonly registry?: Registry;
  /** Working directory for relative `service.storage.directory` (default process.cwd()). */
  readonly cwd?: string;
}

export interface LoadedConfig {
  /** Present only when there are no errors (warnings allowed). */
  readonly config?: ServiceConfig;
  /** Errors and warnings, in file order. */
  readonly issues: readonly ConfigIssue[];
  readonly registry: Registry;
}

const SECTIONS = [['receivers', 'receiver'], ['processors', 'processor'], ['exporters', 'exporter']] as const;
type Section = (typeof SECTIONS)[number][0];

interface RawService {
  pipelines: Record<string, { receivers: string[]; processors: string[]; exporters: string[] }>;
  resource: Attributes;
  telemetry: { logs: { level: LogLevel; file?: string }; metrics: { address?: string } };
  storage: { directory: string };
  heartbeat: { enabled: boolean; interval: number | string };
  shutdown_timeout: number | string;
}

interface RawConfig {
  receivers?: Record<string, unknown> | null;
  processors?: Record<string, unknown> | null;
  exporters?: Record<string, unknown> | null;
  plugins: string[];
  service: RawService;
}

export async function loadConfig(file: string, options: LoadConfigOptions = {}): Promise<LoadedConfig> {
  const registry = options.registry ?? createRegistry();
  const source = loadYamlFile(file, { env: options.env ?? process.env });
  const issues: ConfigIssue[] = [...source.issues];
  if (hasErrors(issues)) return { issues: sortIssues(issues), registry };
  const done = (config?: ServiceConfig): LoadedConfig => ({ issues: sortIssues(issues), registry, ...(config ? { config } : {}) });

  const raw = source.value;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    issues.push(issueAt(source, [], 'FLEETLOG_ERR_CONFIG_TYPE', 'the config must be a mapping with receivers, exporters and service'));
    return done();
  }
  const value = structuredClone(raw) as RawConfig;
  const shapeIssues = validateWithSchema(hostSchema, value, source);
  issues.push(...shapeIssues);

  // 3. plugins
  const pluginEntries = Array.isArray(value.plugins) ? value.plugins.filter((p): p is string => typeof p === 'string') : [];
  for (const problem of await loadPlugins(pluginEntries, source.directory, registry)) {
    issues.push(issueAt(source, ['plugins', problem.index], problem.code, problem.message));
  }

  // 4. components
  const declared: Record<Section, Map<string, ComponentEntry>> = { receivers: new Map(), processors: new Map(), exporters: new Map() };
  for (const [section, kind] of SECTIONS) {
    for (const [id, rawConfig] of Object.entries(sectionEntries(value, section))) {
      const entry = checkComponent(source, registry, section, kind, id, rawConfig, issues);
      if (entry) declared[section].set(id, entry);
    }
  }

  // 5. pipelines
  const service = value.service;
  const pipelines: PipelineConfig[] = [];
  const used: Record<Section, Set<string>> = { receivers: new Set(), processors: new Set(), exporters: new Set() };
  const pipelineMap = service !== null && typeof service === 'object' && service.pipelines !== null && typeof service.pipelines === 'object' ? service.pipelines : {};
  for (const [name, pipeline] of Object.entries(pipelineMap)) {
    if (pipeline === null || typeof pipeline !== 'object') continue;
    const lists = { receivers: listOf(pipeline.receivers), processors: listOf(pipeline.processors), exporters: listOf(pipeline.exporters) };
    for (const [section, kind] of SECTIONS) {
      const seen = new Set<string>();
      lists[section].forEach((id, index) => {
        const path = ['service', 'pipelines', name, section, index];
        if (seen.has(id)) {
          issues.push(issueAt(source, path, 'FLEETLOG_ERR_CONFIG_TYPE', `${kind} '${id}' is listed twice in this pipeline`, 'value'));
          return;
        }
        seen.add(id);
        used[section].add(id);
        if (Object.hasOwn(sectionEntries(value, section), id)) return;
        const known = Object.keys(sectionEntries(value, section));
        const suggestion = closest(id, known);
        const elsewhere = SECTIONS.find(([other]) => other !== section && Object.hasOwn(sectionEntries(value, other), id));
        const hint = elsewhere ? ` (it is declared under ${elsewhere[0]})`
          : suggestion ? `; did you mean '${suggestion}'?`
          : known.length > 0 ? ` (declared ${section}: ${known.join(', ')})` : ` (no ${section} are declared)`;
        issues.push(issueAt(source, path, 'FLEETLOG_ERR_CONFIG_UNDECLARED', `${kind} '${id}' is not declared under ${section}${hint}`, 'value'));
      });
    }
    pipelines.push({ name, ...lists });
  }
  for (const [section, kind] of SECTIONS) {
    for (const id of Object.keys(sectionEntries(value, section))) {
      if (!used[section].has(id)) {
        issues.push({ ...issueAt(source, [section, id], 'FLEETLOG_ERR_CONFIG_UNUSED', `${kind} '${id}' is declared but no pipeline uses it; it will not run`), severity: 'warning' });
      }
    }
  }

  // 6. resources and durability
  const usedEntries = (section: Section): ComponentEntry[] => [...declared[section].values()].filter((e) => used[section].has(e.id));
  checkResources(source, [...usedEntries('receivers'), ...usedEntries('processors'), ...usedEntries('exporters')], issues);
  const storageDirectory = resolve(options.cwd ?? process.cwd(), service?.storage?.directory ?? './data');
  lintExporters(source, usedEntries('exporters'), storageDirectory, issues);

  if (hasErrors(issues)) return done();
  const pick = <F extends AnyFactory>(section: Section): Record<string, ComponentEntry<F>> =>
    Object.fromEntries(usedEntries(section).map((e) => [e.id, Object.freeze(e) as ComponentEntry<F>]));
  const config: ServiceConfig = {
    file: source.file,
    directory: source.directory,
    receivers: Object.freeze(pick<ReceiverFactory>('receivers')),
    processors: Object.freeze(pick<ProcessorFactory>('processors')),
    exporters: Object.freeze(pick<ExporterFactory>('exporters')),
    pipelines: deepFreeze(pipelines),
    resource: deepFreeze({ ...service.resource }),
    telemetry: deepFreeze({
      logs: { level: service.telemetry.logs.level, ...(service.telemetry.logs.file !== undefined ? { file: resolve(options.cwd ?? process.cwd(), service.telemetry.logs.file) } : {}) },
      metrics: { ...(service.telemetry.metrics.address !== undefined ? { address: service.telemetry.metrics.address } : {}) },
    }),
    storageDirectory,
    heartbeat: Object.freeze({ enabled: service.heartbeat.enabled, intervalMs: parseDurationMs(service.heartbeat.interval) }),
    shutdownTimeoutMs: parseDurationMs(service.shutdown_timeout),
    plugins: deepFreeze([...value.plugins]),
  };
  return done(Object.freeze(config));
}

/** A component section as a map (a missing, empty or wrongly typed section counts as empty; the schema reports it). */
function sectionEntries(value: RawConfig, section: Section): Record<string, unknown> {
  const entries = value[section];
  return entries !== null && entries !== undefined && typeof entries === 'object' && !Array.isArray(entries) ? entries : {};
}

function listOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function checkComponent(
  source: YamlSource, registry: Registry, section: Section, kind: Kind, id: string, rawConfig: unknown, issues: ConfigIssue[],
): ComponentEntry | undefined {
  const parsed = parseComponentId(id);
  if (!parsed) {
    issues.push(issueAt(source, [section, id], 'FLEETLOG_ERR_CONFIG_TYPE', `'${id}' is not a valid id: ${COMPONENT_ID_HELP}`));
    return undefined;
  }
  const registered = registry.get(kind, parsed.type);
  if (!registered) {
    const known = registry.types(kind);
    const suggestion = closest(parsed.type, known);
    issues.push(issueAt(source, [section, id], 'FLEETLOG_ERR_CONFIG_UNKNOWN_TYPE',
      `unknown ${kind} type '${parsed.type}'${suggestion ? `; did you mean '${suggestion}'?` : ''} (known ${kind} types: ${known.length > 0 ? known.join(', ') : 'none'}; add others with plugins:)`));
    return undefined;
  }
  const { config, issues: found } = validateComponentConfig(registered.factory, rawConfig, source, [section, id]);
  issues.push(...found);
  if (found.length > 0) return undefined;
  return {
    id, kind, type: parsed.type, ...(parsed.name !== undefined ? { name: parsed.name } : {}),
    factory: registered.factory, source: registered.source, config: deepFreeze(config),
  };
}

function checkResources(source: YamlSource, entries: readonly ComponentEntry[], issues: ConfigIssue[]): void {
  const claims = new Map<string, string>();
  for (const entry of entries) {
    let resources: string[];
    try {
      resources = entry.factory.resources?.(entry.config) ?? [];
    } catch (error) {
      issues.push(issueAt(source, [sectionOf(entry.kind), entry.id], 'FLEETLOG_ERR_CONFIG_RULE', `resources() failed: ${(error as Error).message}`));
      continue;
    }
    for (const resource of new Set(resources)) {
      const owner = claims.get(resource);
      if (owner === undefined) claims.set(resource, entry.id);
      else issues.push(issueAt(source, [sectionOf(entry.kind), entry.id], 'FLEETLOG_ERR_CONFIG_CONFLICT', `'${entry.id}' and '${owner}' both use ${resource}`));
    }
  }
}

function sectionOf(kind: Kind): Section {
  return `${kind}s` as Section;
}

/** The delivery part's durability lint: valid settings that can lose data, as warnings at their keys. */
function lintExporters(source: YamlSource, exporters: readonly ComponentEntry[], storageDirectory: string, issues: ConfigIssue[]): void {
  const warnings = lintDurability({
    exporters: Object.fromEntries(exporters.map((e) => [e.id, { ...(e.config as DurabilityLintInput['exporters'][string]), local: isLocalExporter(e.factory) }])),
    storageDirectory,
  });
  for (const warning of warnings) {
    issues.push({ ...issueAt(source, warning.path, 'FLEETLOG_ERR_CONFIG_DURABILITY', warning.message), severity: 'warning' });
  }
}

/** An exporter whose factory defaults to `queue.mode: direct` declares itself a local durable destination. */
function isLocalExporter(factory: ComponentEntry['factory']): boolean {
  return factory.kind === 'exporter' && factory.hostDefaults?.queue?.mode === 'direct';
}

function issueAt(source: YamlSource, path: ConfigPath, code: ConfigIssue['code'], message: string, at: 'key' | 'value' = 'key'): ConfigIssue {
  const position = source.locate(path, at);
  return { code, severity: 'error', path, message, file: source.file, ...(position ? { position } : {}) };
}

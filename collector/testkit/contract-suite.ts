// The shared contract suite every plugin's tests call (DESIGN §9.9):
//
//   describeComponentContract(factory, { config: { path: '…' }, folder: import.meta.dirname });
//
// It checks what the host relies on: the type matches the folder, the schema compiles under the host's ajv
// rules and closes every object, the minimal config is valid, a misspelt key is rejected by name, shutdown()
// works without start() and twice, and start → consume/send → shutdown runs and delivers.
import assert from 'node:assert/strict';
import { basename, dirname } from 'node:path';
import { describe, test } from 'node:test';
import type { AnyFactory, Exporter, Processor, Receiver } from '../component/contract.js';
import type { LogBatch } from '../component/log-record.js';
import { compileSchema } from '../config/ajv.js';
import { componentConfigSchema, validateComponentConfig } from '../config/component-schema.js';
import { configFor } from './config-for.js';
import { LogsSink } from './logs-sink.js';
import { makeBatch as defaultBatch } from './make-batch.js';
import { createNopSettings, type TestSettings } from './nop-settings.js';

export interface ContractOptions {
  /** The smallest valid config, as YAML would give it (`{}` when every key has a default). */
  readonly config: unknown;
  /** The plugin's folder (`import.meta.dirname`): its name must be the type, its parent the kind's folder. */
  readonly folder?: string;
  /** The batch to consume or send (default: five records of every level). */
  readonly makeBatch?: () => LogBatch;
  /** The key to misspell for the typo test (default: the schema's first key). */
  readonly typoKey?: string;
  /** Receivers: make input arrive after start() (write to the watched file, post a request …); the suite then waits for a record. */
  readonly feed?: (context: { readonly config: unknown; readonly settings: TestSettings }) => Promise<void>;
  /** Processors: false when the minimal config drops every record (default true: something comes out). */
  readonly expectOutput?: boolean;
  /** Exporters: the outcome send() must give for the batch (default: any of ok, retry, drop). */
  readonly expectSendOutcome?: 'ok' | 'retry' | 'drop';
  /** Longest wait for a receiver's first record (default 10 s). */
  readonly timeoutMs?: number;
}

const KIND_FOLDERS: Readonly<Record<AnyFactory['kind'], string>> = { receiver: 'receivers', processor: 'processors', exporter: 'exporters' };

export function describeComponentContract(factory: AnyFactory, options: ContractOptions): void {
  const id = `${factory.type}/contract`;
  const withSettings = async (body: (settings: TestSettings) => Promise<void>): Promise<void> => {
    const settings = createNopSettings(factory.kind, id, { resource: { 'device.id': 'vm-contract' } });
    try {
      await body(settings);
    } finally {
      settings.cleanup();
    }
  };

  void describe(`${factory.kind} ${factory.type}: component contract`, () => {
    test('type is lower_snake_case and matches the plugin folder', () => {
      assert.match(factory.type, /^[a-z][a-z0-9_]*$/, `type '${factory.type}' must be lower_snake_case`);
      if (options.folder !== undefined) {
        assert.equal(basename(options.folder), factory.type, 'the plugin folder is named after the type');
        assert.equal(basename(dirname(options.folder)), KIND_FOLDERS[factory.kind], `a ${factory.kind} lives under ${KIND_FOLDERS[factory.kind]}/`);
      }
    });

    test('schema compiles under the host\'s ajv rules; every object closed, every option described', () => {
      const schema = componentConfigSchema(factory);
      assert.doesNotThrow(() => compileSchema(schema));
      assert.deepEqual(schemaProblems(factory.configSchema, 'configSchema'), []);
    });

    test('minimal config is valid once defaults are filled in', () => {
      const { issues } = validateComponentConfig(factory, options.config);
      assert.deepEqual(issues.map((i) => `${i.path.join('.')}: ${i.message}`), []);
    });

    test('a misspelt key is rejected and named', () => {
      const properties = Object.keys((factory.configSchema.properties as Record<string, unknown> | undefined) ?? {});
      const key = options.typoKey ?? properties[0] ?? 'option';
      const typo = misspell(key);
      const base = options.config !== null && typeof options.config === 'object' ? options.config : {};
      const { issues } = validateComponentConfig(factory, { ...base, [typo]: (base as Record<string, unknown>)[key] ?? 1 });
      const issue = issues.find((i) => i.code === 'FLEETLOG_ERR_CONFIG_UNKNOWN_KEY');
      assert.ok(issue, `'${typo}' should be rejected as an unknown key; issues: ${JSON.stringify(issues)}`);
      assert.match(issue.message, new RegExp(`'${typo}'`));
      if (properties.includes(key)) assert.match(issue.message, new RegExp(`did you mean '${key}'`));
    });

    test('shutdown() without start() and twice is safe', async () => {
      await withSettings(async (settings) => {
        const instance = create(factory, settings, configFor(factory, options.config), new LogsSink());
        await instance.shutdown();
        await instance.shutdown();
      });
    });

    test('start → consume/send → shutdown delivers', async () => {
      await withSettings(async (settings) => {
        const config = configFor(factory, options.config);
        const sink = new LogsSink();
        const instance = create(factory, settings, config, sink);
        const batch = (options.makeBatch ?? (() => defaultBatch()))();
        await instance.start();
        try {
          if (factory.kind === 'exporter') {
            const result = await (instance as Exporter).send(batch, new AbortController().signal);
            assert.ok(['ok', 'retry', 'drop'].includes(result.outcome), `send() outcome ${JSON.stringify(result)}`);
            if (options.expectSendOutcome !== undefined) assert.equal(result.outcome, options.expectSendOutcome, JSON.stringify(result));
          } else if (factory.kind === 'processor') {
            const processor = instance as Processor;
            const before = structuredClone(batch);
            await processor.consume(batch);
            if (!processor.mutatesData) assert.deepEqual(batch, before, 'mutatesData is false, yet the input batch was changed');
          } else if (options.feed) {
            await options.feed({ config, settings });
            await sink.waitForRecords(1, options.timeoutMs ?? 10_000);
          }
        } finally {
          await instance.shutdown();
        }
        await instance.shutdown();
        if (factory.kind === 'processor' && options.expectOutput !== false) {
          assert.ok(sink.recordCount > 0, 'the processor passed nothing on (set expectOutput: false if that is intended)');
        }
      });
    });
  });
}

function create(factory: AnyFactory, settings: TestSettings, config: Readonly<Record<string, unknown>>, sink: LogsSink): Receiver | Processor | Exporter {
  if (factory.kind === 'exporter') return factory.create(settings, config);
  return factory.create(settings, config, sink);
}

/** `max_bytes` → `max_byts`: drops the second-to-last letter (or adds one to short keys). */
export function misspell(key: string): string {
  return key.length >= 4 ? key.slice(0, -2) + key.slice(-1) : `${key}x`;
}

/** Style rules of DESIGN §9.2: every object schema closes itself (additionalProperties: false) and describes its options. */
export function schemaProblems(schema: unknown, where: string): string[] {
  if (schema === null || typeof schema !== 'object') return [];
  const s = schema as Record<string, unknown>;
  const problems: string[] = [];
  if (s.properties !== undefined && s.additionalProperties !== false && s.patternProperties === undefined && typeof s.additionalProperties !== 'object') {
    problems.push(`${where}: additionalProperties must be false`);
  }
  for (const [key, child] of Object.entries((s.properties as Record<string, unknown> | undefined) ?? {})) {
    const c = child as Record<string, unknown>;
    if (typeof c.description !== 'string' || c.description === '') problems.push(`${where}.${key}: no description`);
    problems.push(...schemaProblems(child, `${where}.${key}`));
  }
  for (const keyword of ['items', 'additionalProperties'] as const) {
    if (typeof s[keyword] === 'object') problems.push(...schemaProblems(s[keyword], `${where}.${keyword}`));
  }
  for (const keyword of ['anyOf', 'oneOf', 'allOf'] as const) {
    const list = s[keyword];
    if (Array.isArray(list)) list.forEach((branch, i) => problems.push(...schemaProblems(branch, `${where}.${keyword}[${i}]`)));
  }
  return problems;
}

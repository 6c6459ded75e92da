// Small real plugins for the pipeline tests: a receiver the test pushes through, processors that tag (in place or
// by copy) and drop, an exporter that records what it was sent. `world` is what they saw, in order.
import type { AnyFactory, LogsConsumer } from '../component/contract.js';
import { defineExporter, defineProcessor, defineReceiver } from '../component/define.js';
import type { LogBatch } from '../component/log-record.js';
import { sendOk, sendRetry } from '../component/send-result.js';

export const world = {
  events: [] as string[],
  inputs: new Map<string, LogsConsumer>(),
  sent: new Map<string, LogBatch[]>(),
  reset(): void {
    this.events.length = 0;
    this.inputs.clear();
    this.sent.clear();
  },
};

const lifecycleSchema = {
  fail_start: { type: 'boolean', default: false, description: 'start() rejects.' },
  hang_shutdown_ms: { type: 'integer', minimum: 0, default: 0, description: 'shutdown() takes this long.' },
} as const;

interface Lifecycle { fail_start: boolean; hang_shutdown_ms: number }

function lifecycle(label: string, config: Lifecycle): { start(): Promise<void>; shutdown(): Promise<void> } {
  return {
    start: async () => {
      world.events.push(`start ${label}`);
      if (config.fail_start) throw new Error(`${label} cannot start`);
    },
    shutdown: async () => {
      world.events.push(`stop ${label}`);
      if (config.hang_shutdown_ms > 0) await new Promise((resolve) => setTimeout(resolve, config.hang_shutdown_ms));
    },
  };
}

export const pushIn = defineReceiver<Lifecycle>({
  type: 'push_in',
  stability: 'development',
  configSchema: { type: 'object', additionalProperties: false, properties: { ...lifecycleSchema } },
  create: (settings, config, next) => {
    const base = lifecycle(`receiver ${settings.id}`, config);
    return { ...base, start: async () => { await base.start(); world.inputs.set(settings.id, next); } };
  },
});

export const tag = defineProcessor<Lifecycle & { key: string; value: string; in_place: boolean }>({
  type: 'tag',
  stability: 'development',
  configSchema: {
    type: 'object', additionalProperties: false,
    properties: {
      ...lifecycleSchema,
      key: { type: 'string', default: 'tag', description: 'Attribute key.' },
      value: { type: 'string', default: 'x', description: 'Attribute value.' },
      in_place: { type: 'boolean', default: false, description: 'Change the batch in place (mutatesData).' },
    },
  },
  create: (settings, config, next) => ({
    ...lifecycle(`processor ${settings.id}`, config),
    mutatesData: config.in_place,
    consume: (batch) => {
      if (config.in_place) {
        for (const r of batch.records) r.attributes[config.key] = config.value;
        return next.consume(batch);
      }
      return next.consume({ ...batch, records: batch.records.map((r) => ({ ...r, attributes: { ...r.attributes, [config.key]: config.value } })) });
    },
  }),
});

export const dropBelow = defineProcessor<Lifecycle & { min_severity: number; throw_on: string }>({
  type: 'drop_below',
  stability: 'development',
  configSchema: {
    type: 'object', additionalProperties: false,
    properties: {
      ...lifecycleSchema,
      min_severity: { type: 'integer', default: 9, description: 'Keep records at or above this severity number.' },
      throw_on: { type: 'string', default: '', description: 'Throw when a body equals this text (a bug after start).' },
    },
  },
  create: (settings, config, next) => ({
    ...lifecycle(`processor ${settings.id}`, config),
    mutatesData: false,
    consume: async (batch) => {
      if (config.throw_on !== '' && batch.records.some((r) => r.body === config.throw_on)) throw new TypeError('bug in drop_below');
      const records = batch.records.filter((r) => r.severityNumber >= config.min_severity);
      if (records.length > 0) await next.consume({ ...batch, records });
    },
  }),
});

export const collect = defineExporter<Lifecycle & { retry_first: number }>({
  type: 'collect',
  stability: 'development',
  configSchema: {
    type: 'object', additionalProperties: false,
    properties: { ...lifecycleSchema, retry_first: { type: 'integer', minimum: 0, default: 0, description: 'Answer retry to the first n sends.' } },
  },
  create: (settings, config) => {
    let retries = config.retry_first;
    return {
      ...lifecycle(`exporter ${settings.id}`, config),
      send: async (batch) => {
        if (retries > 0) {
          retries -= 1;
          return sendRetry('test says later', 1);
        }
        const list = world.sent.get(settings.id) ?? [];
        list.push(structuredClone(batch));
        world.sent.set(settings.id, list);
        return sendOk({ acceptedRecords: batch.records.length });
      },
    };
  },
});

export const PIPELINE_TEST_FACTORIES: readonly AnyFactory[] = [pushIn, tag, dropBelow, collect];

// Small real factories for the config and pipeline tests (the host's tests must not depend on the bundled plugins).
import type { AnyFactory } from '../component/contract.js';
import { defineExporter, defineProcessor, defineReceiver } from '../component/define.js';
import { sendOk } from '../component/send-result.js';

export const testReceiver = defineReceiver<{ port: number; host: string }>({
  type: 'test_in',
  stability: 'development',
  configSchema: {
    type: 'object', additionalProperties: false,
    properties: {
      port: { type: 'integer', minimum: 1, maximum: 65535, default: 4318, description: 'Port.' },
      host: { type: 'string', default: '127.0.0.1', description: 'Interface.' },
    },
  },
  resources: (config) => [`tcp:${config.host}:${config.port}`],
  create: () => ({ start: async () => {}, shutdown: async () => {} }),
});

export const testProcessor = defineProcessor<{ keep: string[] }>({
  type: 'test_filter',
  stability: 'development',
  configSchema: {
    type: 'object', additionalProperties: false,
    properties: { keep: { type: 'array', items: { type: 'string' }, default: [], description: 'Components kept.' } },
  },
  create: (_s, _c, next) => ({ mutatesData: false, start: async () => {}, shutdown: async () => {}, consume: (b) => next.consume(b) }),
});

export const testExporter = defineExporter<{ path: string; max_bytes: number; backup_count: number; level: string }>({
  type: 'test_out',
  stability: 'development',
  configSchema: {
    type: 'object', additionalProperties: false, required: ['path'],
    properties: {
      path: { type: 'string', description: 'Output file.' },
      max_bytes: { type: 'integer', minimum: 1, default: 10_485_760, description: 'Rotate at this size.' },
      backup_count: { type: 'integer', minimum: 0, default: 5, description: 'Rotated files kept.' },
      level: { enum: ['debug', 'info', 'warn', 'error'], default: 'info', description: 'Least level written.' },
    },
  },
  validate: (config) => (config.backup_count > 0 && config.max_bytes < 1024 ? ['max_bytes: must be at least 1024 when backup_count > 0'] : []),
  resources: (config) => [`file:${config.path}`],
  create: () => ({ start: async () => {}, shutdown: async () => {}, send: async () => sendOk() }),
});

export const TEST_FACTORIES: readonly AnyFactory[] = [testReceiver, testProcessor, testExporter];

// The schema of the config's own shape (everything but the components' options, which their plugins' schemas
// validate): top-level sections, `plugins`, and `service` (pipelines, resource, telemetry, storage, heartbeat).
import { DURATION_SCHEMA } from './units.js';

export const DEFAULT_STORAGE_DIRECTORY = './data';
export const DEFAULT_SHUTDOWN_TIMEOUT = '5s';
export const DEFAULT_HEARTBEAT_INTERVAL = '5m';
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

const idList = (what: string, minItems: number): Record<string, unknown> => ({
  type: 'array',
  description: `The ${what} of this pipeline, by id (\`type\` or \`type/name\`).`,
  items: { type: 'string' },
  ...(minItems > 0 ? { minItems } : { default: [] }),
});

export const pipelineSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'One pipeline: its receivers feed its processors, in order, and then every one of its exporters.',
  required: ['receivers', 'exporters'],
  properties: {
    receivers: idList('receivers', 1),
    processors: idList('processors, in order,', 0),
    exporters: idList('exporters', 1),
  },
} as const;

export const serviceSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'What runs: the pipelines, and the host\'s own settings.',
  required: ['pipelines'],
  properties: {
    pipelines: {
      type: 'object',
      description: 'Named pipelines (`logs`, `logs/archive` …).',
      minProperties: 1,
      additionalProperties: pipelineSchema,
    },
    resource: {
      type: 'object',
      description: 'Attributes of this device, stamped on every batch (`device.id`, `site` …).',
      default: {},
      additionalProperties: { type: ['string', 'number', 'boolean'] },
    },
    telemetry: {
      type: 'object',
      additionalProperties: false,
      description: 'The collector\'s own logs and metrics.',
      default: {},
      properties: {
        logs: {
          type: 'object',
          additionalProperties: false,
          description: 'Own logs: JSON lines on stderr, and optionally in a file.',
          default: {},
          properties: {
            level: { enum: [...LOG_LEVELS], default: 'info', description: 'The least severe level written.' },
            file: { type: 'string', description: 'Also append the own logs to this file.' },
          },
        },
        metrics: {
          type: 'object',
          additionalProperties: false,
          description: 'Self-metrics (fleetlog_* counters and gauges) in Prometheus text format.',
          default: {},
          properties: {
            address: { type: 'string', pattern: '^[^\\s:]*:\\d{1,5}$', description: '`host:port` to serve /metrics on (e.g. 127.0.0.1:8888); unset: no endpoint.' },
          },
        },
      },
    },
    storage: {
      type: 'object',
      additionalProperties: false,
      description: 'Where the host keeps state: exporter queues, receiver checkpoints.',
      default: {},
      properties: {
        directory: { type: 'string', minLength: 1, default: DEFAULT_STORAGE_DIRECTORY, description: 'State folder (relative paths from the working directory).' },
      },
    },
    heartbeat: {
      type: 'object',
      additionalProperties: false,
      description: 'A periodic `fleetlog.heartbeat` record into every pipeline\'s exporters (queue depth, drops, disk headroom, uptime).',
      default: {},
      properties: {
        enabled: { type: 'boolean', default: true, description: 'Emit heartbeats.' },
        interval: { ...DURATION_SCHEMA, default: DEFAULT_HEARTBEAT_INTERVAL, description: 'Time between heartbeats.' },
      },
    },
    shutdown_timeout: { ...DURATION_SCHEMA, default: DEFAULT_SHUTDOWN_TIMEOUT, description: 'How long shutdown waits for components to drain before giving up on them.' },
  },
} as const;

const componentSection = (kind: string): Record<string, unknown> => ({
  type: ['object', 'null'],
  description: `The ${kind}s, by id (\`type\` or \`type/name\`); each takes its plugin's options.`,
});

/** The top level. Component options are validated separately, by each plugin's schema. */
export const hostSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['service'],
  properties: {
    receivers: componentSection('receiver'),
    processors: componentSection('processor'),
    exporters: componentSection('exporter'),
    plugins: {
      type: 'array',
      description: 'External plugin modules: an npm package name (resolved from the config\'s folder) or a relative .js/.mjs path.',
      items: { type: 'string', minLength: 1 },
      default: [],
    },
    service: serviceSchema,
  },
} as const;

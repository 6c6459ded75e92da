// The table of subcommands. Each lives in its own module, imported only when it runs (or prints its --help): the
// collector on a Pi must not pay for the backend's modules. Add one row here to add a command; name and summary are
// repeated from the module so that `fleetlog --help` loads nothing (commands.test.ts checks they agree).
import type { CommandEntry } from './command.js';

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'backend',
    summary: 'Run the central backend: OTLP ingest, ClickHouse store (embedded chDB or server), read API',
    load: async () => (await import('../../backend/cli/backend-command.js')).backendCommand,
  },
  {
    name: 'keys create',
    summary: 'Create a device API key for a machine (registers the machine); prints the key on its last line',
    load: async () => (await import('../../backend/cli/keys-commands.js')).keysCreateCommand,
  },
  {
    name: 'keys list',
    summary: 'List device API keys (id, machine, site, created, revoked)',
    load: async () => (await import('../../backend/cli/keys-commands.js')).keysListCommand,
  },
  {
    name: 'keys revoke',
    summary: 'Revoke a device API key by id',
    load: async () => (await import('../../backend/cli/keys-commands.js')).keysRevokeCommand,
  },
  {
    name: 'sql',
    summary: 'Run ClickHouse SQL on the backend store (tables in database fleet: logs, machines, …)',
    load: async () => (await import('../../backend/cli/sql-command.js')).sqlCommand,
  },
  {
    name: 'collector',
    summary: 'Run the collector on a config until SIGTERM/SIGINT',
    load: async () => (await import('./collector.js')).collectorCommand,
  },
  {
    name: 'demo',
    summary: 'Run a demo fleet: the backend plus simulated vending machines, each a real collector process',
    load: async () => (await import('./demo.js')).demoCommand,
  },
  {
    name: 'eport pack',
    summary: 'Pack PRD log entries (NDJSON) into ePort frames of at most 900-byte payloads',
    load: async () => (await import('./eport-pack.js')).eportPackCommand,
  },
  {
    name: 'eport unpack',
    summary: 'Print the PRD log entries (NDJSON) carried by ePort frames or a forwarded payload',
    load: async () => (await import('./eport-unpack.js')).eportUnpackCommand,
  },
  {
    name: 'eport-sim',
    summary: 'Simulate the ePort card reader on a serial port: ACK frames, write payloads to a drop folder',
    load: async () => (await import('./eport-sim.js')).eportSimCommand,
  },
  {
    name: 'queue inspect',
    summary: 'Show each exporter queue: queued records and bytes, oldest unsent, dead letters, last error',
    load: async () => (await import('./queue-inspect.js')).queueInspectCommand,
  },
  {
    name: 'queue replay-dead-letters',
    summary: "Put an exporter's dead-lettered records back into its queue",
    load: async () => (await import('./queue-replay-dead-letters.js')).queueReplayDeadLettersCommand,
  },
  {
    name: 'schema',
    summary: 'Print the JSON Schema of the config (for editors and CI)',
    load: async () => (await import('./schema.js')).schemaCommand,
  },
  {
    name: 'validate',
    summary: 'Check a config: every error with file:line:col, warnings that do not fail',
    load: async () => (await import('./validate.js')).validateCommand,
  },
];

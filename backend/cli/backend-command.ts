// `fleetlog backend --config FILE`: the central backend (ingest + store + read API) until SIGINT/SIGTERM.
// The CLI table imports this module on every device, so it must not import express (optional) statically.
import { once } from 'node:events';
import type { Command } from '../../collector/cli/command.js';
import { errorMessage } from '../../collector/component/errors.js';
import { parseArgs } from './args.js';
import { loadConfigFor } from './load-config.js';

export const backendCommand: Command = {
  name: 'backend',
  summary: 'Run the central backend: OTLP ingest, ClickHouse store (embedded chDB or server), read API',
  help: [
    'Usage: fleetlog backend --config FILE',
    '',
    'Listens on `listen` (default 127.0.0.1:4318; env FLEETLOG_PORT overrides the port). The read API needs',
    'FLEETLOG_ADMIN_TOKEN (or api.admin_token). Devices need a key: fleetlog keys create --config FILE --machine ID.',
    'Stops cleanly on Ctrl-C, storing what is waiting.',
    '',
    'Example: FLEETLOG_ADMIN_TOKEN=$(openssl rand -hex 16) fleetlog backend --config configs/backend.yaml',
  ].join('\n'),
  async run(args, io) {
    const parsed = parseArgs(args, ['config']);
    if (typeof parsed === 'string' || typeof parsed.options.config !== 'string') {
      io.stderr.write(`fleetlog backend: ${typeof parsed === 'string' ? parsed : '--config FILE is required'}\n`);
      return 2;
    }
    const config = loadConfigFor(parsed.options.config, io);
    if (!config) return 1;
    let running;
    try {
      // Loaded here, not at the top: express is an optional dependency, absent on a device install.
      const { startBackend } = await import('../server.js');
      running = await startBackend(config);
    } catch (error) {
      const code = (error as { code?: string }).code;
      io.stderr.write(`fleetlog backend: ${errorMessage(error)}${code ? ` [${code}]` : ''}\n`);
      return 1;
    }
    const where = config.storage.engine === 'embedded' ? config.storage.path : config.storage.url;
    io.stdout.write(`fleetlog backend listening on ${running.url} (store: ${config.storage.engine} ${where})\n`);
    if (!config.adminToken) io.stdout.write('note: no FLEETLOG_ADMIN_TOKEN set, so the read API answers 401\n');
    if (!io.signal.aborted) await once(io.signal, 'abort');
    await running.close();
    io.stdout.write('fleetlog backend stopped\n');
    return 0;
  },
};

// `fleetlog collector --config FILE`: validate, start the service, run until SIGTERM/SIGINT, drain, exit 0.
// Failures after start are caught here (unhandled rejections, uncaught exceptions), counted and logged: the
// collector keeps running.
import { resolve } from 'node:path';
import { FleetlogError, errorMessage } from '../component/errors.js';
import { loadConfig } from '../config/load-config.js';
import { startService } from '../pipeline/service.js';
import type { Command, CommandIo } from './command.js';
import { parseOptions } from './cli-options.js';
import { VERSION } from './version.js';
import { countIssues, plural, printIssues } from './print-issues.js';

export const collectorCommand: Command = {
  name: 'collector',
  summary: 'Run the collector on a config until SIGTERM/SIGINT',
  help: [
    'Usage: fleetlog collector --config FILE',
    '',
    'Validates FILE (as `fleetlog validate` does; any error stops here with exit 1), starts every component',
    '(exporters first), and runs until SIGTERM or SIGINT. Then it stops receivers first, lets exporters drain',
    'within service.shutdown_timeout (default 5s), and exits 0. Own logs are JSON lines on stderr.',
    '',
    'Options:',
    '  -c, --config FILE   the config to run',
    '',
    'Example:',
    '  fleetlog collector --config configs/local-demo.yaml',
  ].join('\n'),
  async run(args: readonly string[], io: CommandIo): Promise<number> {
    const options = parseOptions(args, { values: { '--config': ['-c'] } });
    if (typeof options === 'string' || options.values['--config'] === undefined) {
      io.stderr.write(`fleetlog collector: ${typeof options === 'string' ? options : '--config FILE is required'}\n${this.help}\n`);
      return 2;
    }
    const given = options.values['--config'];
    const file = resolve(io.cwd, given);
    const { config, issues } = await loadConfig(file, { env: io.env, cwd: io.cwd });
    printIssues(issues, file, given, io.stderr);
    if (!config) {
      io.stderr.write(`${given}: invalid — ${plural(countIssues(issues).errors, 'error')}; not starting [FLEETLOG_ERR_CONFIG_INVALID]\n`);
      return 1;
    }
    if (io.signal.aborted) return 0;
    let service;
    try {
      service = await startService(config, { logStream: io.stderr, version: VERSION });
    } catch (error) {
      const code = error instanceof FleetlogError ? error.code : 'FLEETLOG_ERR_PIPELINE_START';
      io.stderr.write(`fleetlog collector: ${errorMessage(error)} [${code}]\n`);
      return 1;
    }
    const onRejection = (reason: unknown): void => service.reportInternalError(reason, 'unhandledRejection');
    const onException = (error: Error): void => service.reportInternalError(error, 'uncaughtException');
    process.on('unhandledRejection', onRejection);
    process.on('uncaughtException', onException);
    try {
      await new Promise<void>((done) => {
        if (io.signal.aborted) done();
        else io.signal.addEventListener('abort', () => done(), { once: true });
      });
      await service.shutdown();
    } finally {
      process.off('unhandledRejection', onRejection);
      process.off('uncaughtException', onException);
    }
    return 0;
  },
};

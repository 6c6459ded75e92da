// `fleetlog validate --config FILE`: every problem of a config, each with its file, line and column. Exit 0 when
// valid (warnings are printed but do not fail), 1 when not, 2 on a usage error.
import { resolve } from 'node:path';
import { loadConfig } from '../config/load-config.js';
import type { Command, CommandIo } from './command.js';
import { parseOptions } from './cli-options.js';
import { configKindOfFile, validateBackendConfig } from './config-kind.js';
import { countIssues, plural, printIssues } from './print-issues.js';

export const validateCommand: Command = {
  name: 'validate',
  summary: 'Check a config: every error with file:line:col, warnings that do not fail',
  help: [
    'Usage: fleetlog validate --config FILE',
    '',
    'Loads FILE (with ${env:NAME} substitution and the .env file beside it), loads its plugins, and checks every',
    'component against its plugin\'s schema, the pipelines, resource conflicts and the durability lint.',
    'A backend config (top-level listen/storage/ingest, no service) is checked against the backend\'s schema.',
    'Each problem is printed as FILE:LINE:COL path.to.key: message [CODE] (codes: docs/errors.md).',
    '',
    'Options:',
    '  -c, --config FILE   the config to check',
    '',
    'Exit status: 0 valid (warnings allowed), 1 invalid, 2 usage error.',
    '',
    'Example:',
    '  fleetlog validate --config configs/local-demo.yaml',
  ].join('\n'),
  async run(args: readonly string[], io: CommandIo): Promise<number> {
    const options = parseOptions(args, { values: { '--config': ['-c'] } });
    if (typeof options === 'string' || options.values['--config'] === undefined) {
      io.stderr.write(`fleetlog validate: ${typeof options === 'string' ? options : '--config FILE is required'}\n${this.help}\n`);
      return 2;
    }
    const given = options.values['--config'];
    const file = resolve(io.cwd, given);
    const issues = configKindOfFile(file, io.env) === 'backend'
      ? await validateBackendConfig(file, io.env)
      : (await loadConfig(file, { env: io.env, cwd: io.cwd })).issues;
    printIssues(issues, file, given, io.stderr);
    const { errors, warnings } = countIssues(issues);
    if (errors > 0) {
      io.stderr.write(`${given}: invalid — ${plural(errors, 'error')}${warnings > 0 ? `, ${plural(warnings, 'warning')}` : ''} [FLEETLOG_ERR_CONFIG_INVALID]\n`);
      return 1;
    }
    io.stdout.write(`${given}: valid${warnings > 0 ? ` (${plural(warnings, 'warning')})` : ''}\n`);
    return 0;
  },
};

// Shared option parsing of the `fleetlog queue …` commands: --config F, --exporter ID, --json.
import { parseOptions } from './cli-options.js';

export interface QueueArgs {
  config?: string;
  exporter?: string;
  json: boolean;
}

export function parseQueueArgs(args: readonly string[]): QueueArgs | string {
  const parsed = parseOptions(args, { values: { '--config': ['-c'], '--exporter': [] }, flags: ['--json'] });
  if (typeof parsed === 'string') return parsed;
  const config = parsed.values['--config'];
  if (config === undefined) return '--config FILE is required';
  return { config, exporter: parsed.values['--exporter'], json: parsed.flags.has('--json') };
}

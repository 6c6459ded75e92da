// Shared option parsing of the `fleetlog queue …` commands: --config F, --exporter ID, --json.
export interface QueueArgs {
  config?: string;
  exporter?: string;
  json: boolean;
}

export function parseQueueArgs(args: readonly string[]): QueueArgs | string {
  const out: QueueArgs = { json: false };
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (flag === '--json') {
      out.json = true;
      continue;
    }
    if (flag === '--config' || flag === '-c' || flag === '--exporter') {
      const value = inline ?? args[++i];
      if (value === undefined || value === '') return `${flag} needs a value`;
      if (flag === '--exporter') out.exporter = value;
      else out.config = value;
      continue;
    }
    return `unknown option '${arg}'`;
  }
  if (out.config === undefined) return '--config FILE is required';
  return out;
}

// Option parsing for the host's commands: `--name VALUE`, `--name=VALUE`, boolean `--flag`, short aliases; and
// node:util's parseArgs for the ePort tools, with their usage-error reporting.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { CommandIo } from './command.js';
export interface OptionSpec {
  /** Options that take a value, with their aliases: `{ '--config': ['-c'] }`. */
  readonly values?: Readonly<Record<string, readonly string[]>>;
  /** Boolean flags. */
  readonly flags?: readonly string[];
}

export interface ParsedOptions {
  readonly values: Readonly<Record<string, string>>;
  readonly flags: ReadonlySet<string>;
}

/** The parsed options, or a usage error message. */
export function parseOptions(args: readonly string[], spec: OptionSpec): ParsedOptions | string {
  const values: Record<string, string> = {};
  const flags = new Set<string>();
  const canonical = new Map<string, string>();
  for (const [name, aliases] of Object.entries(spec.values ?? {})) for (const n of [name, ...aliases]) canonical.set(n, name);
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    const eq = arg.indexOf('=');
    const [flag, inline] = arg.startsWith('--') && eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
    if (spec.flags?.includes(flag)) {
      flags.add(flag);
      continue;
    }
    const name = canonical.get(flag);
    if (name === undefined) return `unknown option '${arg}'`;
    const value = inline ?? args[++i];
    if (value === undefined || value === '') return `${flag} needs a value`;
    values[name] = value;
  }
  return { values, flags };
}

type ArgsOptions = NonNullable<ParseArgsConfig['options']>;

/**
 * node:util parseArgs (strict: unknown options and missing values are errors) over a command's args; on a usage
 * error writes `<command>: <message>` to stderr and returns undefined (the command exits 2).
 */
export function parseCommandArgs<O extends ArgsOptions>(
  command: string, args: readonly string[], options: O, io: Pick<CommandIo, 'stderr'>,
): ReturnType<typeof parseArgs<{ args: string[]; options: O }>>['values'] | undefined {
  try {
    return parseArgs({ args: [...args], options }).values;
  } catch (error) {
    io.stderr.write(`${command}: ${(error as Error).message}\n`);
    return undefined;
  }
}

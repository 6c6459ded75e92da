// Option parsing for the host's commands: `--name VALUE`, `--name=VALUE`, boolean `--flag`, short aliases.
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

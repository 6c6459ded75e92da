// Option parsing shared by the backend commands: `--name value`, `--name=value`, and boolean flags.

export type ParsedArgs = { options: Record<string, string | true>; positional: string[] };

/** Parses args against the allowed option names (value options and flags); returns an error text on misuse. */
export function parseArgs(args: readonly string[], valueOptions: readonly string[], flags: readonly string[] = []): ParsedArgs | string {
  const options: Record<string, string | true> = {};
  const positional: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    if (!arg.startsWith('--')) { positional.push(arg); continue; }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    if (flags.includes(name)) { options[name] = true; continue; }
    if (!valueOptions.includes(name)) return `unknown option '--${name}'`;
    const value = eq === -1 ? args[++i] : arg.slice(eq + 1);
    if (value === undefined || value === '') return `--${name} needs a value`;
    options[name] = value;
  }
  return { options, positional };
}

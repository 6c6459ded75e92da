// One CLI subcommand. main.ts holds the table of them and is the only place that exits the process:
// a command returns its exit code (0 ok, 1 failed / invalid input, 2 usage error).

export interface CommandIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** Aborted on SIGTERM/SIGINT: long-running commands drain and return. */
  readonly signal: AbortSignal;
}

export interface Command {
  /** The word(s) after `fleetlog`, e.g. `validate` or `queue inspect`. */
  readonly name: string;
  readonly summary: string;
  /** Full `--help` text: usage line, options, an example. */
  readonly help: string;
  run(args: readonly string[], io: CommandIo): Promise<number>;
}

/**
 * A row of the command table (commands.ts): what the usage text needs, and how to import the command. The module is
 * imported only when its command runs or prints its help, so `fleetlog collector` never loads the backend, chDB
 * wrappers or the ePort tools (memory and start-up time on a Pi).
 */
export interface CommandEntry {
  readonly name: string;
  /** Must equal the loaded command's summary (commands.test.ts checks every row). */
  readonly summary: string;
  load(): Promise<Command>;
}

// `fleetlog` — parses the first words into a command from the table, runs it, exits with its code.
// The only module that calls process.exit.
import type { CommandEntry, CommandIo } from './command.js';
import { COMMANDS } from './commands.js';
import { VERSION } from './version.js';

export { VERSION };

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length), 8);
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    'Usage: fleetlog <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'fleetlog <command> --help   help for one command',
    'fleetlog --version          print the version',
  ].join('\n');
}

/** Finds the command whose name matches the most leading words of argv. */
export function findCommand(argv: readonly string[]): { command: CommandEntry; rest: readonly string[] } | undefined {
  let best: { command: CommandEntry; rest: readonly string[] } | undefined;
  let bestWords = 0;
  for (const command of COMMANDS) {
    const words = command.name.split(' ');
    if (words.length > bestWords && words.every((w, i) => argv[i] === w)) {
      best = { command, rest: argv.slice(words.length) };
      bestWords = words.length;
    }
  }
  return best;
}

export async function main(argv: readonly string[], io: CommandIo): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.stdout.write(`${usage()}\n`);
    return argv.length === 0 ? 2 : 0;
  }
  if (argv[0] === '--version' || argv[0] === '-v' || argv[0] === 'version') {
    io.stdout.write(`fleetlog ${VERSION}\n`);
    return 0;
  }
  const found = findCommand(argv);
  if (!found) {
    io.stderr.write(`fleetlog: unknown command '${argv[0]}'.\n\n${usage()}\n`);
    return 2;
  }
  // The command's module is imported only now: `fleetlog collector` never loads the backend's modules.
  const command = await found.command.load();
  if (found.rest.includes('--help') || found.rest.includes('-h')) {
    io.stdout.write(`${command.help.trimEnd()}\n`);
    return 0;
  }
  return command.run(found.rest, io);
}

/** After a command returned, how long open handles may keep the process alive before it exits regardless. */
const EXIT_GRACE_MS = 2_000;

const isEntry = process.argv[1] !== undefined && /fleetlog(\.js)?$|main\.(ts|js)$/.test(process.argv[1]);
if (isEntry) {
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  const io: CommandIo = { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd(), signal: controller.signal };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
      // A component that ignored its shutdown deadline must not keep the process alive: exit anyway, soon.
      setTimeout(() => process.exit(code), EXIT_GRACE_MS).unref();
    },
    (error: unknown) => {
      process.stderr.write(`fleetlog: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}

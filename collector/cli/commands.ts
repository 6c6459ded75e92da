// The table of subcommands. Each lives in its own module; add one line here to add a command.
import type { Command } from './command.js';

export const COMMANDS: readonly Command[] = [
];

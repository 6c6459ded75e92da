// The table of subcommands. Each lives in its own module; add one line here to add a command.
import type { Command } from './command.js';
import { backendCommand } from '../../backend/cli/backend-command.js';
import { keysCreateCommand, keysListCommand, keysRevokeCommand } from '../../backend/cli/keys-commands.js';
import { sqlCommand } from '../../backend/cli/sql-command.js';
import { collectorCommand } from './collector.js';
import { demoCommand } from './demo.js';
import { eportPackCommand } from './eport-pack.js';
import { eportSimCommand } from './eport-sim.js';
import { eportUnpackCommand } from './eport-unpack.js';
import { queueInspectCommand } from './queue-inspect.js';
import { queueReplayDeadLettersCommand } from './queue-replay-dead-letters.js';
import { schemaCommand } from './schema.js';
import { validateCommand } from './validate.js';

export const COMMANDS: readonly Command[] = [
  backendCommand, keysCreateCommand, keysListCommand, keysRevokeCommand, sqlCommand,
  collectorCommand,
  demoCommand,
  eportPackCommand,
  eportUnpackCommand,
  eportSimCommand,
  queueInspectCommand,
  queueReplayDeadLettersCommand,
  schemaCommand,
  validateCommand,
];

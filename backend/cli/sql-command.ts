// `fleetlog sql --config FILE "SELECT …"`: ClickHouse SQL against the configured store (embedded chDB or server).
// Read-only unless --write: statements other than SELECT/WITH/SHOW/DESCRIBE/EXPLAIN are refused.
import type { Command } from '../../collector/cli/command.js';
import { errorMessage } from '../../collector/component/errors.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { parseArgs } from './args.js';
import { OutputWriter } from './output-writer.js';
import { loadConfigFor } from './load-config.js';

const READ = /^\s*(SELECT|WITH|SHOW|DESCRIBE|DESC|EXPLAIN|EXISTS)\b/i;

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

export const sqlCommand: Command = {
  name: 'sql',
  summary: 'Run ClickHouse SQL on the backend store (tables in database fleet: logs, machines, …)',
  help: [
    'Usage: fleetlog sql --config FILE [--json] [--write] "SQL"',
    '',
    'Prints a tab-separated table with a header (or one JSON object per row with --json). Tables live in the',
    'configured database (default fleet): fleet.logs, fleet.machines, fleet.machine_activity, … (docs/sql.md).',
    'Read FINAL from fleet.logs for exact counts (a re-sent record is stored once only after a merge).',
    'The embedded store is locked while a backend runs on it: stop it first.',
    '',
    'Example: fleetlog sql --config configs/backend.yaml "SELECT machine_id, count() FROM fleet.logs FINAL GROUP BY machine_id"',
  ].join('\n'),
  async run(args, io) {
    const parsed = parseArgs(args, ['config'], ['json', 'write']);
    if (typeof parsed === 'string' || typeof parsed.options.config !== 'string' || parsed.positional.length !== 1) {
      io.stderr.write(`fleetlog sql: ${typeof parsed === 'string' ? parsed : 'usage: fleetlog sql --config FILE "SQL"'}\n`);
      return 2;
    }
    const sql = parsed.positional[0]!;
    const write = parsed.options.write === true;
    if (!READ.test(sql) && !write) {
      io.stderr.write('fleetlog sql: only SELECT/WITH/SHOW/DESCRIBE/EXPLAIN without --write\n');
      return 2;
    }
    const config = loadConfigFor(parsed.options.config, io);
    if (!config) return 1;
    let store: Store | undefined;
    try {
      store = await openStore(config.storage);
      if (!READ.test(sql)) {
        await store.engine.command(sql);
        io.stdout.write('ok\n');
        return 0;
      }
      const rows = await store.engine.query<Record<string, unknown>>(sql);
      // A reader that stops early (`| head`) ends the output normally: exit 0.
      const out = new OutputWriter(io.stdout);
      if (parsed.options.json === true) {
        for (const row of rows) if (!await out.write(`${JSON.stringify(row)}\n`)) break;
      } else if (rows.length > 0) {
        const columns = Object.keys(rows[0]!);
        await out.write(`${columns.join('\t')}\n`);
        for (const row of rows) if (!await out.write(`${columns.map((c) => cell(row[c])).join('\t')}\n`)) break;
      }
      await out.flush();
      if (out.error) throw out.error;
      return 0;
    } catch (error) {
      const code = (error as { code?: string }).code;
      io.stderr.write(`fleetlog sql: ${errorMessage(error)}${code ? ` [${code}]` : ''}\n`);
      return 1;
    } finally {
      await store?.close();
    }
  },
};

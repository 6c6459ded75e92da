// `fleetlog demo` (what `npm start` runs): a backend on the embedded store and a fleet of simulated vending
// machines, each a real collector process. The work is in demo/run-demo.ts, loaded only when the command runs
// (it needs the backend's optional dependencies).
import { parseDurationMs } from '../config/units.js';
import type { Command } from './command.js';
import { parseOptions } from './cli-options.js';

const HELP = [
  'Usage: fleetlog demo [--machines N] [--reset] [--dir FOLDER] [--lines-per-second R] [--heartbeat-interval D]',
  '',
  'Starts the backend (embedded ClickHouse, data in FOLDER, default ./.demo, kept across runs) and N simulated',
  'vending machines (default 5). Each machine is a real `fleetlog collector` process tailing the log file a',
  'simulator writes (payments, dispensing, flow meter, door, temperature, an occasional CRITICAL), sending to',
  'the backend over OTLP/HTTP with its own device key and keeping a local copy. Prints the dashboard address, the',
  'admin token and example commands. Ctrl-C stops the machines (their queues drained) and then the backend.',
  '',
  'Options:',
  '  --machines N              simulated machines (1–50, default 5)',
  '  --reset                   delete the demo folder first',
  '  --dir FOLDER              the demo folder (default .demo)',
  '  --lines-per-second R      average log lines per second per machine (default 1)',
  '  --heartbeat-interval D    the collectors\' heartbeat interval (default 10s)',
  '',
  'Environment: FLEETLOG_PORT (default 4318; 0 = any free port), FLEETLOG_ADMIN_TOKEN (default: a random one,',
  'kept in FOLDER/admin-token).',
  '',
  'Example: npm start   (= fleetlog demo)',
].join('\n');

export const demoCommand: Command = {
  name: 'demo',
  summary: 'Run a demo fleet: the backend plus simulated vending machines, each a real collector process',
  help: HELP,
  async run(args, io) {
    const parsed = parseOptions(args, {
      values: { '--machines': [], '--dir': [], '--lines-per-second': [], '--heartbeat-interval': [], '--status-every': [] },
      flags: ['--reset'],
    });
    const usage = (message: string): number => {
      io.stderr.write(`fleetlog demo: ${message}\n${HELP}\n`);
      return 2;
    };
    if (typeof parsed === 'string') return usage(parsed);
    const machines = Number(parsed.values['--machines'] ?? 5);
    if (!Number.isInteger(machines) || machines < 1 || machines > 50) return usage('--machines must be a whole number 1–50');
    const linesPerSecond = Number(parsed.values['--lines-per-second'] ?? 1);
    if (!Number.isFinite(linesPerSecond) || linesPerSecond <= 0 || linesPerSecond > 10_000) return usage('--lines-per-second must be > 0 and ≤ 10000');
    const heartbeatInterval = parsed.values['--heartbeat-interval'] ?? '10s';
    let heartbeatMs: number;
    try {
      heartbeatMs = parseDurationMs(heartbeatInterval);
    } catch {
      return usage(`--heartbeat-interval: '${heartbeatInterval}' is not a duration (e.g. 10s)`);
    }
    if (!(heartbeatMs >= 1_000)) return usage('--heartbeat-interval must be at least 1s');
    const statusEverySeconds = Number(parsed.values['--status-every'] ?? 30);
    if (!Number.isFinite(statusEverySeconds) || statusEverySeconds < 0) return usage('--status-every must be a number of seconds ≥ 0');
    const { runDemo } = await import('../../demo/run-demo.js');
    return runDemo({
      dir: parsed.values['--dir'] ?? '.demo', machines, reset: parsed.flags.has('--reset'), linesPerSecond, heartbeatInterval, statusEverySeconds,
    }, io);
  },
};

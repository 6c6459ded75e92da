// `fleetlog demo`: a backend on the embedded store plus N simulated vending machines, each a real collector
// process (file_log → file + otlp_http) tailing the log file its simulator writes. Loaded only by the demo
// command (it imports the backend, whose dependencies are optional on a device).
import { relative } from 'node:path';
import { writeFileSync } from 'node:fs';
import type { CommandIo } from '../collector/cli/command.js';
import { errorMessage } from '../collector/component/errors.js';
import { formatIssue, sortIssues } from '../collector/config/issue.js';
import { loadBackendConfig } from '../backend/config.js';
import type { RunningBackend } from '../backend/server.js';
import { PRD_SAMPLE_ENTRIES } from './vending-simulator.js';
import { startCollectorProcess, type CollectorProcess } from './collector-process.js';
import { DemoFolder } from './demo-folder.js';
import { demoMachineConfig } from './demo-machine-config.js';
import { SimulatedLogWriter } from './log-writer.js';
import { removeCollectorPid, stopLeftoverCollector, writeCollectorPid } from './leftover-collector.js';

export interface DemoOptions {
  /** The demo folder, relative to io.cwd. */
  readonly dir: string;
  readonly machines: number;
  readonly reset: boolean;
  /** Average log lines per second per machine. */
  readonly linesPerSecond: number;
  /** service.heartbeat.interval of every collector. */
  readonly heartbeatInterval: string;
  /** Seconds between progress lines (0: none). */
  readonly statusEverySeconds: number;
}

export const DEFAULT_DEMO_PORT = 4318;
const SITES = ['north', 'south', 'east'] as const;
const CHILD_STOP_TIMEOUT_MS = 15_000;

interface DemoMachine {
  readonly machineId: string;
  readonly writer: SimulatedLogWriter;
  readonly collector: CollectorProcess;
  readonly collectorLog: string;
  readonly pidFile: string;
}

export function demoMachineId(index: number): string {
  return `VM${String(index + 1).padStart(3, '0')}`;
}

function shellQuote(text: string): string {
  return /^[\w./:=@-]+$/.test(text) ? text : `'${text.replace(/'/g, "'\\''")}'`;
}

export async function runDemo(options: DemoOptions, io: CommandIo): Promise<number> {
  const folder = new DemoFolder(options.dir, io.cwd);
  // Collectors an earlier demo left running (it was killed hard) would hold their queues: stop them first.
  for (const m of folder.existingMachines()) {
    if (await stopLeftoverCollector(m.pidFile, m.configFile)) {
      io.stderr.write(`fleetlog demo: stopped ${m.machineId}'s collector left running by an earlier demo\n`);
    }
  }
  folder.prepare(options.reset);
  const token = folder.adminToken(io.env.FLEETLOG_ADMIN_TOKEN);
  folder.writeBackendConfig(DEFAULT_DEMO_PORT);
  const { config, issues } = loadBackendConfig(folder.backendConfig, { ...io.env, FLEETLOG_ADMIN_TOKEN: token });
  for (const issue of sortIssues(issues)) io.stderr.write(`${formatIssue(issue)}\n`);
  if (!config) return 1;

  let running: RunningBackend;
  try {
    // Loaded here: express and chDB are optional dependencies, absent on a device install.
    const { startBackend } = await import('../backend/server.js');
    running = await startBackend(config);
  } catch (error) {
    const code = (error as { code?: string }).code;
    const hint = code === 'EADDRINUSE' ? ` — port ${config.port} is taken; choose another with FLEETLOG_PORT=4319 npm start` : '';
    io.stderr.write(`fleetlog demo: the backend did not start: ${errorMessage(error)}${hint}${code ? ` [${code}]` : ''}\n`);
    return 1;
  }

  const machines: DemoMachine[] = [];
  let status: NodeJS.Timeout | undefined;
  const startedMachines = new Set<string>();
  let failed = false;
  try {
    const startedAt = Date.now();
    for (let i = 0; i < options.machines && !io.signal.aborted; i += 1) {
      const machineId = demoMachineId(i);
      const site = SITES[i % SITES.length]!;
      const paths = folder.machine(machineId);
      // A fresh key at every start (the previous run's keys are revoked): nothing secret is kept in the folder.
      for (const old of await running.backend.store.keys({ machineId, activeOnly: true })) await running.backend.keys.revoke(old.key_id);
      const key = (await running.backend.keys.create(machineId, site)).key;
      writeFileSync(paths.configFile, demoMachineConfig({
        machineId, site, endpoint: running.url, timeZone: 'utc', heartbeatInterval: options.heartbeatInterval,
        logDir: paths.logDir, outDir: paths.outDir, stateDir: paths.stateDir,
      }));
      const writer = new SimulatedLogWriter({
        file: `${paths.logDir}/vending.log`, machineId, format: i % 2 === 0 ? 'json' : 'python',
        linesPerSecond: options.linesPerSecond, seed: (startedAt / 1000 + i) >>> 0,
      });
      if (i === 0) {
        // The PRD's own sample lines, as they happen now.
        await writer.writeNow(PRD_SAMPLE_ENTRIES.map((e, n) => ({ ...e, machine_id: machineId, timestamp: new Date(startedAt - 3_000 + n * 1_000).toISOString() })));
      }
      const collector = startCollectorProcess({
        configFile: paths.configFile, cwd: paths.root, logFile: paths.collectorLog, env: { FLEETLOG_API_KEY: key },
      });
      writeCollectorPid(paths.pidFile, collector.pid);
      writer.start();
      const machine = { machineId, writer, collector, collectorLog: paths.collectorLog, pidFile: paths.pidFile };
      machines.push(machine);
      void collector.exited.then((code) => {
        if (!io.signal.aborted) {
          failed = true;
          io.stderr.write(`fleetlog demo: the collector of ${machineId} exited (${code ?? 'killed'}); its log: ${relative(io.cwd, machine.collectorLog)}\n`);
        }
      });
    }

    // Announce the fleet once every collector runs (from then on it drains, not dies, on Ctrl-C).
    const aborted = new Promise<void>((done) => {
      if (io.signal.aborted) done();
      else io.signal.addEventListener('abort', () => done(), { once: true });
    });
    const ready = Promise.all(machines.map(async (m) => {
      await m.collector.started(60_000);
      startedMachines.add(m.machineId);
    }));
    ready.catch(() => undefined);
    await Promise.race([ready, aborted]);
    if (!io.signal.aborted) {
      const where = relative(io.cwd, folder.root) || '.';
      const base = `http://127.0.0.1:${running.port}`;
      io.stdout.write([
        `fleetlog demo: ${machines.length} simulated vending machines (${machines.map((m) => m.machineId).join(', ')}), each a collector`,
        `process tailing its machine's log (file_log → otlp_http + local file); backend on the embedded store in ${where}/.`,
        '',
        `Dashboard: ${base}/`,
        `Admin token: ${token}`,
        '',
        'Try:',
        `  curl -s -H "Authorization: Bearer ${token}" "${base}/api/logs?level=ERROR&limit=5"`,
        `  curl -s -H "Authorization: Bearer ${token}" "${base}/api/machines"`,
        '  # after Ctrl-C (the embedded store serves one process at a time):',
        `  npx fleetlog sql --config ${shellQuote(`${where}/backend.yaml`)} "SELECT machine_id, severity_text, count() AS n FROM fleet.logs FINAL GROUP BY machine_id, severity_text ORDER BY machine_id, severity_text"`,
        '',
        'Ctrl-C stops everything.',
        '',
      ].join('\n'));

      if (options.statusEverySeconds > 0) {
        status = setInterval(() => {
          const lines = machines.reduce((n, m) => n + m.writer.linesWritten, 0);
          io.stdout.write(`${new Date().toISOString().slice(11, 19)} ${lines} lines written by ${machines.length} machines; ${running.backend.batcher.stats.insertedRows} rows stored this run\n`);
        }, options.statusEverySeconds * 1000);
        status.unref();
      }

    }
    await aborted;
  } catch (error) {
    failed = true;
    io.stderr.write(`fleetlog demo: ${errorMessage(error)}\n`);
  } finally {
    if (status) clearInterval(status);
    io.stdout.write('fleetlog demo: stopping the machines…\n');
    await Promise.all(machines.map((m) => m.writer.stop()));
    const codes = await Promise.all(machines.map((m) => m.collector.stop(CHILD_STOP_TIMEOUT_MS)));
    for (const m of machines) removeCollectorPid(m.pidFile);
    codes.forEach((code, i) => {
      // A collector stopped before it had started has nothing to drain: only a started one must exit 0.
      if (code !== 0 && startedMachines.has(machines[i]!.machineId)) {
        failed = true;
        io.stderr.write(`fleetlog demo: the collector of ${machines[i]!.machineId} stopped with ${code ?? 'a kill'}; its log: ${relative(io.cwd, machines[i]!.collectorLog)}\n`);
      }
    });
    await running.close();
    io.stdout.write('fleetlog demo: stopped.\n');
  }
  return failed ? 1 : 0;
}

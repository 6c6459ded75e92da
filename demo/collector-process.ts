// A collector as a separate process, as on a device: `node bin/fleetlog.js collector --config FILE`.
// Used by `fleetlog demo`, the whole-system test and the end-to-end bench. stop() sends SIGTERM (the collector
// drains its queues within service.shutdown_timeout and exits 0) and SIGKILLs only after a deadline.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The package's bin/fleetlog.js: above demo/ in a source tree, above dist/demo/ in a built one. */
export const FLEETLOG_BIN = ['..', '../..'].map((up) => fileURLToPath(new URL(`${up}/bin/fleetlog.js`, import.meta.url)))
  .find((path) => existsSync(path)) ?? fileURLToPath(new URL('../bin/fleetlog.js', import.meta.url));

export interface CollectorProcessOptions {
  readonly configFile: string;
  /** Added to the parent's environment. */
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Append the collector's stdout and stderr (its own logs, JSON lines) to this file; default: kept in memory. */
  readonly logFile?: string;
  /** The script to run instead of bin/fleetlog.js (e.g. a compiled collector/cli/main.js). */
  readonly entry?: string;
  /** Node options before the script (e.g. `--cpu-prof`). */
  readonly execArgv?: readonly string[];
}

export interface CollectorProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** What the process wrote (when no logFile was given), for diagnostics. */
  output(): string;
  /** Resolves once the collector logged that it started (its signal handlers are set); rejects if it exits first. */
  started(timeoutMs?: number): Promise<void>;
  /** SIGTERM, wait up to `timeoutMs`, then SIGKILL; resolves with the exit code. Idempotent. */
  stop(timeoutMs?: number): Promise<number | null>;
}

const KEEP_OUTPUT_CHARS = 64 * 1024;
const STARTED = '"msg":"Collector started."';

export function startCollectorProcess(options: CollectorProcessOptions): CollectorProcess {
  const fd = options.logFile === undefined ? undefined : openSync(options.logFile, 'a');
  const child = spawn(process.execPath, [...(options.execArgv ?? []), options.entry ?? FLEETLOG_BIN, 'collector', '--config', options.configFile], {
    cwd: options.cwd ?? process.cwd(),
    env: { ...process.env, ...options.env },
    stdio: fd === undefined ? ['ignore', 'pipe', 'pipe'] : ['ignore', fd, fd],
  });
  // Only what this process appends counts (the log file may hold earlier runs).
  const logStart = fd === undefined ? 0 : fstatSync(fd).size;
  if (fd !== undefined) closeSync(fd);
  let text = '';
  const keep = (chunk: Buffer): void => {
    text += chunk.toString();
    if (text.length > KEEP_OUTPUT_CHARS * 2) text = text.slice(-KEEP_OUTPUT_CHARS);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', (error) => { text += `\nspawn failed: ${error.message}`; resolve(null); });
  });
  let stopping: Promise<number | null> | undefined;
  return {
    child,
    pid: child.pid ?? -1,
    exited,
    output: () => text,
    started: async (timeoutMs = 30_000) => {
      const deadline = Date.now() + timeoutMs;
      const seen = (): boolean => (options.logFile === undefined ? text : readLog(options.logFile, logStart)).includes(STARTED);
      while (!seen()) {
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the collector exited (${child.exitCode ?? child.signalCode}) before it started: ${text.slice(-2000)}`);
        if (Date.now() > deadline) throw new Error(`the collector did not start within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    stop: (timeoutMs = 15_000) => (stopping ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    })()),
  };
}

function readLog(file: string, from: number): string {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const size = fstatSync(fd).size;
    const buffer = Buffer.alloc(Math.max(0, Math.min(size - from, KEEP_OUTPUT_CHARS)));
    readSync(fd, buffer, 0, buffer.length, from);
    return buffer.toString();
  } catch {
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

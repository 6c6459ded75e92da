// Running a `fleetlog` command from a test and taking what it printed: as a process (bin/fleetlog.js, as a user
// runs it) or in this process (main() with in-memory streams: faster, and the test can see its exceptions); and
// `fleetlog backend` as a process that keeps running. Shared by the end-to-end tests here and the CLI tests in
// collector/cli/. (A collector process: demo/collector-process.ts.)
import { spawn, type ChildProcess } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { main } from '../../collector/cli/main.js';
import { FLEETLOG_BIN } from '../../demo/collector-process.js';

export interface CommandRun<Code = number | null> {
  readonly code: Code;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly cwd: string;
  /** Added to the parent's environment (a process) or the whole environment (in process). */
  readonly env?: NodeJS.ProcessEnv;
}

/** `node bin/fleetlog.js ARGS`; SIGKILLed after `timeoutMs`. Resolves once it exited and its output is complete. */
export function runFleetlog(args: readonly string[], options: RunOptions & { timeoutMs?: number }): Promise<CommandRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [FLEETLOG_BIN, ...args], { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.once('error', (error) => { clearTimeout(timer); reject(error); });
    child.once('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}

/** The CLI's main(ARGS) in this process, with `env` as its whole environment. */
export async function runMain(argv: readonly string[], options: RunOptions): Promise<CommandRun<number>> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => { out += c.toString(); });
  stderr.on('data', (c: Buffer) => { err += c.toString(); });
  const code = await main(argv, { stdout, stderr, env: options.env ?? {}, cwd: options.cwd, signal: new AbortController().signal });
  return { code, stdout: out, stderr: err };
}

export interface BackendProcess {
  /** Where it listens, from its "listening on" line. */
  readonly url: string;
  readonly child: ChildProcess;
  /** Resolves with the exit code once it exited and its output is complete. */
  readonly exited: Promise<number | null>;
  output(): { stdout: string; stderr: string };
  /** SIGTERM, then SIGKILL after `timeoutMs`; resolves with the exit code. Idempotent. */
  stop(timeoutMs?: number): Promise<number | null>;
}

/** `fleetlog backend --config CONFIG`; resolves once it listens, rejects (and kills it) if it does not within `timeoutMs`. */
export async function startBackendProcess(config: string, options: RunOptions & { timeoutMs?: number }): Promise<BackendProcess> {
  const child = spawn(process.execPath, [FLEETLOG_BIN, 'backend', '--config', config], {
    cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
  const timeoutMs = options.timeoutMs ?? 60_000;
  let url: string;
  try {
    url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the backend did not listen within ${timeoutMs} ms: ${stderr}`)), timeoutMs);
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
        if (m) { clearTimeout(timer); resolve(m[1]!); }
      });
      void exited.then((code) => { clearTimeout(timer); reject(new Error(`the backend exited ${code}: ${stderr}`)); });
    });
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  let stopping: Promise<number | null> | undefined;
  return {
    url, child, exited,
    output: () => ({ stdout, stderr }),
    stop: (stopTimeoutMs = 30_000) => (stopping ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null) return await exited;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), stopTimeoutMs);
      try { return await exited; } finally { clearTimeout(killer); }
    })()),
  };
}

// A kernel pseudo-terminal pair through socat, for tests and demos without serial hardware:
//   socat -d -d pty,raw,echo=0,link=A pty,raw,echo=0,link=B
// Resolves once both ends exist; close() ends socat (by its pid) and waits for it.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export interface PtyPair {
  /** Symlinks to the two /dev/pts ends. */
  a: string;
  b: string;
  close(): Promise<void>;
}

export async function openPtyPair(directory: string, timeoutMs = 10_000): Promise<PtyPair> {
  const a = join(directory, 'tty-device');
  const b = join(directory, 'tty-eport');
  const child: ChildProcess = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`socat did not start within ${timeoutMs} ms: ${stderr}`));
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot run socat (apt-get install socat): ${error.message}`));
    });
    const onEarlyExit = (code: number | null): void => {
      clearTimeout(timer);
      reject(new Error(`socat exited with ${code}: ${stderr}`));
    };
    child.once('exit', onEarlyExit);
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (/starting data transfer loop/.test(stderr)) {
        clearTimeout(timer);
        child.off('exit', onEarlyExit);
        resolve();
      }
    });
  });
  return {
    a, b,
    close: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}

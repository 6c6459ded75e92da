// A demo killed hard (SIGKILL, a closed terminal) leaves its collector processes running: they would keep their
// queue locks and the next demo's collectors could not start. Each machine folder keeps its collector's pid; at the
// next start a process with that pid that is still running that machine's config is stopped first.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';

function isCollectorOf(pid: number, configFile: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(configFile);
  } catch {
    return false;
  }
}

/** Stops the collector named in `pidFile` if it still runs `configFile`; true if there was one. */
export async function stopLeftoverCollector(pidFile: string, configFile: string, timeoutMs = 10_000): Promise<boolean> {
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile, 'utf8').trim());
  } catch {
    return false;
  }
  if (!Number.isInteger(pid) || pid <= 1 || !isCollectorOf(pid, configFile)) {
    rmSync(pidFile, { force: true });
    return false;
  }
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (isCollectorOf(pid, configFile)) {
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGKILL');
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  rmSync(pidFile, { force: true });
  return true;
}

export function writeCollectorPid(pidFile: string, pid: number): void {
  writeFileSync(pidFile, `${pid}\n`);
}

export function removeCollectorPid(pidFile: string): void {
  rmSync(pidFile, { force: true });
}

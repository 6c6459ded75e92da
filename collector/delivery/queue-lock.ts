// One process per queue folder: a lock file naming its owner by pid, boot id and process start time. A lock left by
// a killed process is taken over; so is one whose pid now belongs to another process (pids are reused after a
// reboot — on a Pi often by a service started in the same order), told apart by boot id and start time. A live
// owner makes the open fail with FLEETLOG_ERR_QUEUE_IO.
import { readFileSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FleetlogError } from '../component/errors.js';

export const LOCK_FILE = 'queue.lock';

interface LockContent {
  pid: number;
  bootId?: string;
  startTime?: string;
}

function readProc(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function bootId(): string | undefined {
  return readProc('/proc/sys/kernel/random/boot_id')?.trim();
}

/** Field 22 of /proc/<pid>/stat (start time in clock ticks since boot), or undefined. */
function startTimeOf(pid: number): string | undefined {
  const stat = readProc(`/proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[19];
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The JSON form, or a bare pid (older lock files). */
function parseLock(text: string): LockContent | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value === 'number') return { pid: value };
    if (typeof value === 'object' && value !== null && typeof (value as LockContent).pid === 'number') return value as LockContent;
  } catch {
    // not JSON
  }
  return undefined;
}

/** The pid holding the folder's lock, when that very process is still alive. */
export async function lockOwner(directory: string): Promise<number | undefined> {
  const text = await readFile(join(directory, LOCK_FILE), 'utf8').catch(() => undefined);
  const lock = text === undefined ? undefined : parseLock(text);
  if (lock === undefined || !isAlive(lock.pid)) return undefined;
  if (lock.bootId !== undefined && bootId() !== undefined && lock.bootId !== bootId()) return undefined;
  if (lock.startTime !== undefined) {
    const now = startTimeOf(lock.pid);
    if (now !== undefined && now !== lock.startTime) return undefined;
  }
  return lock.pid;
}

export async function acquireQueueLock(directory: string): Promise<() => Promise<void>> {
  const path = join(directory, LOCK_FILE);
  const content: LockContent = { pid: process.pid };
  const boot = bootId();
  const start = startTimeOf(process.pid);
  if (boot !== undefined) content.bootId = boot;
  if (start !== undefined) content.startTime = start;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      await writeFile(path, `${JSON.stringify(content)}\n`, { flag: 'wx' });
      return async () => {
        await rm(path, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new FleetlogError('FLEETLOG_ERR_QUEUE_IO', `Cannot lock the queue folder ${directory}: ${(error as Error).message}`, { cause: error });
      }
      const owner = await lockOwner(directory);
      if (owner !== undefined && owner !== process.pid) {
        throw new FleetlogError('FLEETLOG_ERR_QUEUE_IO', `The queue folder ${directory} is in use by process ${owner}.`);
      }
      await rm(path, { force: true });
    }
  }
  throw new FleetlogError('FLEETLOG_ERR_QUEUE_IO', `Cannot lock the queue folder ${directory}.`);
}

// One process per queue folder: a lock file with the owner's pid. A lock left by a killed process (pid gone) is
// taken over; a live owner makes the open fail with FLEETLOG_ERR_QUEUE_IO.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FleetlogError } from '../component/errors.js';

export const LOCK_FILE = 'queue.lock';

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid holding the folder's lock, when that process is alive. */
export async function lockOwner(directory: string): Promise<number | undefined> {
  const text = await readFile(join(directory, LOCK_FILE), 'utf8').catch(() => undefined);
  const pid = text === undefined ? NaN : Number.parseInt(text, 10);
  return isAlive(pid) ? pid : undefined;
}

export async function acquireQueueLock(directory: string): Promise<() => Promise<void>> {
  const path = join(directory, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      await writeFile(path, `${process.pid}\n`, { flag: 'wx' });
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

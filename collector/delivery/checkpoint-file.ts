// Crash-proof small files (receiver checkpoints, queue status, dead letters, the ePort simulator's drop files):
// write to a temp file, fsync it, rename over the old one, fsync the directory. A reader sees the old state or the
// new one, never half of either.
import { open, rename, readFile, mkdir, rm } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';

async function fsyncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Atomically replaces `path` with `data` (JSON-encoded unless a string or Buffer). */
export async function writeCheckpoint(path: string, data: unknown): Promise<void> {
  const directory = dirname(path);
  await mkdir(directory, { recursive: true });
  const temp = join(directory, `.${basename(path)}.${process.pid}.tmp`);
  const bytes = typeof data === 'string' || Buffer.isBuffer(data) ? data : JSON.stringify(data);
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await fsyncDirectory(directory);
}

/** The parsed JSON of a checkpoint file, or undefined when it does not exist. Corrupt JSON throws. */
export async function readCheckpoint<T>(path: string): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return JSON.parse(text) as T;
}

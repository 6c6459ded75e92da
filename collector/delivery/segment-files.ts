// File operations on whole segments: read, rewrite keeping some frames (eviction, quarantine), directory fsync.
import { copyFile, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { scanFrames, type ScanResult, type ScannedFrame } from './segment-format.js';

export const QUARANTINE_DIRECTORY = 'quarantine';

export async function fsyncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export async function readSegment(path: string): Promise<{ buf: Buffer; scan: ScanResult }> {
  const buf = await readFile(path);
  return { buf, scan: scanFrames(buf, 0, true) };
}

/**
 * Replaces the segment with only the frames `keep` accepts (temp file, fsync, rename, directory fsync).
 * Returns the kept frames and the new size; deletes the file when `keep` leaves no record.
 */
export async function rewriteSegment(path: string, frames: readonly ScannedFrame[], buf: Buffer, keep: (frame: ScannedFrame) => boolean, hasRecords: (kept: readonly ScannedFrame[]) => boolean): Promise<{ kept: ScannedFrame[]; bytes: number; deleted: boolean }> {
  const kept = frames.filter(keep);
  const directory = join(path, '..');
  if (!hasRecords(kept)) {
    await rm(path, { force: true });
    return { kept: [], bytes: 0, deleted: true };
  }
  const temp = `${path}.tmp`;
  const handle = await open(temp, 'w');
  let bytes = 0;
  const rebased: ScannedFrame[] = [];
  try {
    const parts = kept.map((f) => buf.subarray(f.offset, f.offset + f.size));
    for (const f of kept) {
      rebased.push({ ...f, offset: bytes });
      bytes += f.size;
    }
    if (parts.length > 0) await handle.writev(parts);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, path);
  await fsyncDirectory(directory);
  return { kept: rebased, bytes, deleted: false };
}

/** Keeps a copy of a damaged segment for inspection before it is repaired. */
export async function quarantineCopy(queueDirectory: string, path: string, name: string): Promise<string> {
  const folder = join(queueDirectory, QUARANTINE_DIRECTORY);
  await mkdir(folder, { recursive: true });
  const target = join(folder, `${name}.${Date.now()}`);
  await copyFile(path, target);
  return target;
}

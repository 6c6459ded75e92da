// File operations on whole segments: read, rewrite keeping some records (eviction, quarantine), directory fsync.
import { copyFile, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { KIND_RECORD, KIND_RESOURCE, encodeFrame, frameRecords, scanFrames, type FrameRecord, type ScanResult, type ScannedFrame } from './segment-format.js';

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
 * The bytes of the segment with only the records `keep` accepts: resource frames and frames whose records are all
 * kept are copied as they are; the kept records of a frame that loses some become record frames (kind 2) of their own.
 */
function keptBytes(frames: readonly ScannedFrame[], buf: Buffer, keep: (record: FrameRecord) => boolean): { parts: Buffer[]; records: number } {
  const parts: Buffer[] = [];
  let records = 0;
  for (const f of frames) {
    if (f.kind === KIND_RESOURCE) {
      parts.push(buf.subarray(f.offset, f.offset + f.size));
      continue;
    }
    const all = frameRecords(f);
    const kept = all.filter(keep);
    records += kept.length;
    if (kept.length === all.length) {
      parts.push(buf.subarray(f.offset, f.offset + f.size));
    } else {
      for (const r of kept) parts.push(encodeFrame({ kind: KIND_RECORD, severity: r.severity, resourceIndex: r.resourceIndex, seq: r.seq, enqueuedAtMs: r.enqueuedAtMs }, r.json));
    }
  }
  return { parts, records };
}

/**
 * Replaces the segment with only the records `keep` accepts, and its resource frames (temp file, fsync, rename,
 * directory fsync). Returns the frames of the new file and its size; with `deleteWhenEmpty`, deletes the file
 * instead when no record is kept.
 */
export async function rewriteSegment(path: string, frames: readonly ScannedFrame[], buf: Buffer, keep: (record: FrameRecord) => boolean, deleteWhenEmpty: boolean): Promise<{ kept: ScannedFrame[]; bytes: number; deleted: boolean }> {
  const { parts, records } = keptBytes(frames, buf, keep);
  const directory = join(path, '..');
  if (records === 0 && deleteWhenEmpty) {
    await rm(path, { force: true });
    return { kept: [], bytes: 0, deleted: true };
  }
  const content = Buffer.concat(parts);
  const temp = `${path}.tmp`;
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, path);
  await fsyncDirectory(directory);
  return { kept: scanFrames(content, 0, true).frames, bytes: content.length, deleted: false };
}

/** Keeps a copy of a damaged segment for inspection before it is repaired. */
export async function quarantineCopy(queueDirectory: string, path: string, name: string): Promise<string> {
  const folder = join(queueDirectory, QUARANTINE_DIRECTORY);
  await mkdir(folder, { recursive: true });
  const target = join(folder, `${name}.${Date.now()}`);
  await copyFile(path, target);
  return target;
}

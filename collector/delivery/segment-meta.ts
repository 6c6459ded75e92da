// What the disk queue knows about each segment file without reading it again.
import { join } from 'node:path';
import { frameSeverityAt, type ScannedFrame } from './segment-format.js';
import { evictionClass } from './queue.js';

export const SEGMENT_PATTERN = /^seg-(\d{16})\.log$/;

export interface SegmentMeta {
  name: string;
  path: string;
  /** File size: every byte up to here is a complete frame. */
  bytes: number;
  /** Highest record seq in the segment (0 when it has none). */
  lastSeq: number;
  /** Append time of its first record (for the oldest-unsent age). */
  firstEnqueuedAtMs: number | undefined;
  /** Records per eviction class (0 DEBUG/INFO, 1 WARN/unspecified, 2 ERROR/CRITICAL), a hint for the drop policy. */
  classCounts: [number, number, number];
  /** Bumped when the file is rewritten (eviction, quarantine), so a reader re-seeks by seq. */
  generation: number;
}

export function segmentName(firstSeq: number): string {
  return `seg-${String(firstSeq).padStart(16, '0')}.log`;
}

export function newSegmentMeta(directory: string, name: string): SegmentMeta {
  return { name, path: join(directory, name), bytes: 0, lastSeq: 0, firstEnqueuedAtMs: undefined, classCounts: [0, 0, 0], generation: 0 };
}

/** Adds a record frame's facts to the meta. */
export function noteRecord(meta: SegmentMeta, seq: number, severity: number, enqueuedAtMs: number): void {
  meta.lastSeq = Math.max(meta.lastSeq, seq);
  meta.firstEnqueuedAtMs ??= enqueuedAtMs;
  meta.classCounts[evictionClass(severity)] += 1;
}

/** Meta rebuilt from the frames of a whole file (record and batch frames). */
export function metaFromFrames(meta: SegmentMeta, frames: readonly ScannedFrame[], bytes: number): SegmentMeta {
  meta.bytes = bytes;
  meta.lastSeq = 0;
  meta.firstEnqueuedAtMs = undefined;
  meta.classCounts = [0, 0, 0];
  for (const f of frames) for (let i = 0; i < f.count; i += 1) noteRecord(meta, f.seq + i, frameSeverityAt(f, i), f.enqueuedAtMs);
  return meta;
}

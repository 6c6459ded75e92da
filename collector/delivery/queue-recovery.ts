// Recovery of a queue folder at open: every segment read and every frame checked. A torn tail (a partial frame at
// the end of the newest segment) is cut off; damaged regions elsewhere are skipped to the next good frame, a copy of
// the segment is quarantined and the segment rewritten with its good frames; an unreadable file is moved to
// quarantine. Everything is counted; nothing stops the start. Segments wholly acknowledged are deleted.
import { mkdir, readdir, rename, rm, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../component/contract.js';
import { errorMessage } from '../component/errors.js';
import type { ScanResult } from './segment-format.js';
import { QUARANTINE_DIRECTORY, quarantineCopy, readSegment, rewriteSegment } from './segment-files.js';
import { SEGMENT_PATTERN, metaFromFrames, newSegmentMeta, type SegmentMeta } from './segment-meta.js';

/** What open() found. */
export interface RecoveryReport {
  segments: number;
  records: number;
  corruptRegions: number;
  tornTailBytes: number;
  quarantined: string[];
}

export interface RecoveredSegments {
  /** The segments still holding unacknowledged records, oldest first. */
  segments: SegmentMeta[];
  /** Records after the acknowledgement pointer. */
  unacked: number;
  /** The highest seq found (0 when none). */
  maxSeq: number;
  report: RecoveryReport;
}

export async function recoverSegments(directory: string, ackedSeq: number, countCorrupt: (regions: number) => void, logger?: Logger): Promise<RecoveredSegments> {
  const report: RecoveryReport = { segments: 0, records: 0, corruptRegions: 0, tornTailBytes: 0, quarantined: [] };
  const segments: SegmentMeta[] = [];
  let unacked = 0;
  let maxSeq = 0;
  const corrupt = (regions: number): void => {
    countCorrupt(regions);
    report.corruptRegions += regions;
  };
  const names = await readdir(directory);
  for (const name of names) if (name.endsWith('.tmp')) await rm(join(directory, name), { force: true });
  const segmentNames = names.filter((n) => SEGMENT_PATTERN.test(n)).sort();
  for (const [index, name] of segmentNames.entries()) {
    const meta = newSegmentMeta(directory, name);
    let read: { buf: Buffer; scan: ScanResult };
    try {
      read = await readSegment(meta.path);
    } catch (error) {
      corrupt(1);
      const moved = await moveToQuarantine(directory, meta.path, name);
      if (moved !== undefined) report.quarantined.push(moved);
      logger?.error('A queue segment could not be read; moved it to quarantine.', { code: 'FLEETLOG_ERR_QUEUE_CORRUPT', segment: name, error: errorMessage(error) });
      continue;
    }
    const { buf, scan } = read;
    let frames = scan.frames;
    let bytes = buf.length;
    if (scan.corrupt.length > 0) {
      corrupt(scan.corrupt.length);
      const last = scan.corrupt[scan.corrupt.length - 1]!;
      const tornTailOnly = index === segmentNames.length - 1 && scan.corrupt.length === 1 && last.offset + last.bytes === buf.length;
      if (tornTailOnly) {
        await truncate(meta.path, last.offset);
        bytes = last.offset;
        report.tornTailBytes += last.bytes;
        logger?.warn('Discarded a torn record at the end of the queue.', { segment: name, bytes: last.bytes });
      } else {
        const copy = await quarantineCopy(directory, meta.path, name);
        report.quarantined.push(copy);
        const rewritten = await rewriteSegment(meta.path, frames, buf, () => true, false);
        frames = rewritten.kept;
        bytes = rewritten.bytes;
        logger?.error('A queue segment failed its checksums; kept its good records and quarantined a copy.', {
          code: 'FLEETLOG_ERR_QUEUE_CORRUPT', segment: name, corruptRegions: scan.corrupt.length, copy,
        });
      }
    }
    metaFromFrames(meta, frames, bytes);
    maxSeq = Math.max(maxSeq, meta.lastSeq);
    if (meta.lastSeq <= ackedSeq) {
      await rm(meta.path, { force: true });
      continue;
    }
    for (const f of frames) for (let i = 0; i < f.count; i += 1) if (f.seq + i > ackedSeq) unacked += 1;
    segments.push(meta);
  }
  report.segments = segments.length;
  report.records = unacked;
  return { segments, unacked, maxSeq, report };
}

/** Moves an unreadable segment aside; undefined when even that fails (the next start tries again). */
async function moveToQuarantine(directory: string, path: string, name: string): Promise<string | undefined> {
  const target = join(directory, QUARANTINE_DIRECTORY, `${name}.unreadable.${Date.now()}`);
  try {
    await mkdir(join(directory, QUARANTINE_DIRECTORY), { recursive: true });
    await rename(path, target);
    return target;
  } catch {
    return undefined;
  }
}

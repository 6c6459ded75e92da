// Read-only view of a queue folder for `fleetlog queue inspect`: safe while the collector runs (it never writes,
// and a frame still being written at the end is just not counted).
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readAckPointer } from './ack-pointer.js';
import { DeadLetters } from './dead-letters.js';
import { lockOwner } from './queue-lock.js';
import { REPLAY_INBOX_DIRECTORY } from './replay-inbox.js';
import { QUARANTINE_DIRECTORY } from './segment-files.js';
import { readQueueStatus, type QueueStatusFile } from './queue-status.js';
import { scanFrames } from './segment-format.js';
import { SEGMENT_PATTERN } from './segment-meta.js';

export interface QueueInspection {
  directory: string;
  exists: boolean;
  queuedRecords: number;
  queuedBytes: number;
  segments: number;
  /** Append time of the oldest unacknowledged record (ms), if any. */
  oldestUnsentAtMs: number | undefined;
  corruptRegions: number;
  deadLetterFiles: number;
  deadLetterRecords: number;
  /** Dead-letter files handed to the running collector and not yet re-queued. */
  replayInboxFiles: number;
  /** Copies of damaged segments kept for inspection. */
  quarantinedFiles: number;
  /** Pid of the live process that holds the queue, if any. */
  runningPid: number | undefined;
  status: QueueStatusFile | undefined;
}

export async function inspectQueue(directory: string): Promise<QueueInspection> {
  const result: QueueInspection = {
    directory, exists: false, queuedRecords: 0, queuedBytes: 0, segments: 0, oldestUnsentAtMs: undefined, corruptRegions: 0,
    deadLetterFiles: 0, deadLetterRecords: 0, replayInboxFiles: 0, quarantinedFiles: 0, runningPid: undefined, status: undefined,
  };
  let names: string[];
  try {
    names = await readdir(directory);
  } catch {
    return result;
  }
  result.exists = true;
  const ackedSeq = await readAckPointer(directory);
  for (const name of names.filter((n) => SEGMENT_PATTERN.test(n)).sort()) {
    const buf = await readFile(join(directory, name)).catch(() => undefined);
    if (buf === undefined) continue;
    const scan = scanFrames(buf, 0, false);
    result.corruptRegions += scan.corrupt.length;
    let unacked = 0;
    for (const frame of scan.frames) {
      // Record frames count 1, batch frames their records after the acknowledgement (seqs run on from frame.seq).
      const records = Math.min(frame.count, frame.seq + frame.count - 1 - ackedSeq);
      if (records <= 0) continue;
      unacked += records;
      if (result.oldestUnsentAtMs === undefined || frame.enqueuedAtMs < result.oldestUnsentAtMs) result.oldestUnsentAtMs = frame.enqueuedAtMs;
    }
    result.queuedRecords += unacked;
    result.queuedBytes += buf.length;
    result.segments += 1;
  }
  const deadLetters = new DeadLetters(directory, '');
  for (const file of await deadLetters.list()) {
    result.deadLetterFiles += 1;
    const text = await readFile(file.path, 'utf8').catch(() => '');
    result.deadLetterRecords += text.split('\n').filter((l) => l.trim() !== '').length;
  }
  result.replayInboxFiles = (await readdir(join(directory, REPLAY_INBOX_DIRECTORY)).catch(() => [])).filter((n) => n.endsWith('.ndjson')).length;
  result.quarantinedFiles = (await readdir(join(directory, QUARANTINE_DIRECTORY)).catch(() => [])).length;
  result.runningPid = await lockOwner(directory);
  result.status = await readQueueStatus(directory);
  return result;
}

// status.json in the queue folder: what `fleetlog queue inspect` shows of a running (or stopped) exporter that the
// files alone cannot tell — the last error and the send counters. Written only when something changed (at most
// every few seconds) and at shutdown, so an idle collector does not write it.
import { join } from 'node:path';
import { readCheckpoint, writeCheckpoint } from './checkpoint-file.js';

export const STATUS_FILE = 'status.json';

export interface QueueStatusFile {
  exporter: string;
  updatedAt: string;
  lastError?: string;
  lastErrorAt?: string;
  sentRecords: number;
  retries: number;
  deadLetteredRecords: number;
  droppedByPolicyRecords: number;
  corruptRecords: number;
}

export function writeQueueStatus(directory: string, status: QueueStatusFile): Promise<void> {
  return writeCheckpoint(join(directory, STATUS_FILE), status);
}

export async function readQueueStatus(directory: string): Promise<QueueStatusFile | undefined> {
  try {
    return await readCheckpoint<QueueStatusFile>(join(directory, STATUS_FILE));
  } catch {
    return undefined;
  }
}

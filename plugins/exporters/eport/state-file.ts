// The exporter's small persistent state (link id, next sequence, today's byte use and counts, the batch in flight),
// replaced atomically: temp file, fsync, rename, directory fsync.
import { open, rename, readFile, mkdir } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import type { EportEvent } from '../../../eport/packer/event.js';
import type { DayCounts } from './schedule.js';

export interface InFlight {
  /** Identifies the host batch; a retry of the same batch resends the same payloads with the same sequences. */
  fingerprint: string;
  firstSequence: number;
  payloads: string[];
  sent: number;
  bytes: number;
  /** Of those, the bytes of batch-level payloads (what the daily budget counts). */
  batchBytes?: number;
  sentRecords: number;
  lossyRecords: number;
  includesSummary: boolean;
}

export interface ExporterState {
  version: 1;
  /** u32 id of this device's link session, kept with the sequence counter so that (id, seq) never repeats. */
  bootId: number;
  nextSequence: number;
  bytesToday: number;
  /** Payload bytes of batch levels today (the budget); bytesToday also counts immediate records and the summary. */
  batchBytesToday?: number;
  counts: DayCounts;
  /** A finished day's summary not yet sent. */
  pendingSummary?: EportEvent;
  inflight?: InFlight;
}

export async function readState(path: string): Promise<ExporterState | undefined> {
  try {
    const value = JSON.parse(await readFile(path, 'utf8')) as ExporterState;
    return value.version === 1 && Number.isInteger(value.bootId) && Number.isInteger(value.nextSequence) ? value : undefined;
  } catch {
    return undefined;
  }
}

export async function writeState(path: string, state: ExporterState): Promise<void> {
  const directory = dirname(path);
  await mkdir(directory, { recursive: true });
  const temp = join(directory, `.${basename(path)}.${process.pid}.tmp`);
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(JSON.stringify(state));
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, path);
  const dir = await open(directory, 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

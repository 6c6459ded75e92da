// `fleetlog queue replay-dead-letters`: puts dead-lettered records back into the exporter's queue (after the cause
// was fixed), file by file; a file is deleted only once its records are durable in the queue. When a collector
// holds the queue, the files are moved into its replay inbox instead and it re-queues them (replay-inbox.ts). With
// `queue.mode: direct` there is no queue to append to (nor a lock): the files always go to the inbox, which the
// node sends at once if it runs, else at its next start.
import { writeCheckpoint } from './checkpoint-file.js';
import type { DeliveryConfig } from './config.js';
import { DeadLetters } from './dead-letters.js';
import { DiskQueue } from './disk-queue.js';
import { lockOwner } from './queue-lock.js';
import { handToInbox, importInbox } from './replay-inbox.js';

export interface ReplayReport {
  files: number;
  records: number;
  badLines: number;
  /** Set when the files were handed to a running collector (its pid), which re-queues them itself. */
  handedToPid?: number;
  /** Set with `queue.mode: direct`: the files were moved into the replay inbox (sent by the collector). */
  movedToInbox?: true;
}

export async function replayDeadLetters(directory: string, config: DeliveryConfig): Promise<ReplayReport> {
  if (config.queue.enabled && config.queue.mode === 'direct') {
    return { files: await handToInbox(directory), records: 0, badLines: 0, movedToInbox: true };
  }
  const owner = await lockOwner(directory);
  if (owner !== undefined && owner !== process.pid) {
    // A running collector holds the queue: hand the files to it through the replay inbox.
    const files = await handToInbox(directory);
    return { files, records: 0, badLines: 0, handedToPid: owner };
  }
  const queue = new DiskQueue({ ...config.queue, directory, fullWaitMs: 30_000 });
  await queue.open();
  const report: ReplayReport = { files: 0, records: 0, badLines: 0 };
  try {
    for (const file of await new DeadLetters(directory, '').list()) {
      const { batches, records, badLines, unreadable } = await DeadLetters.readBatches(file.path);
      for (const batch of batches) await queue.append(batch);
      // Lines that are not records are kept beside, under a name the next replay skips.
      if (badLines > 0) await writeCheckpoint(`${file.path}.unreadable`, `${unreadable.join('\n')}\n`);
      await DeadLetters.remove(file.path);
      report.files += 1;
      report.records += records;
      report.badLines += badLines;
    }
    // Files handed to a collector that stopped before taking them.
    const inbox = await importInbox(directory, (batch) => queue.append(batch));
    report.files += inbox.files;
    report.records += inbox.records;
    report.badLines += inbox.badLines;
  } finally {
    await queue.close();
  }
  return report;
}

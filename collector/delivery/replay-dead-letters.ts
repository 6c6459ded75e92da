// `fleetlog queue replay-dead-letters`: puts dead-lettered records back into the exporter's queue (after the cause
// was fixed), file by file; a file is deleted only once its records are durable in the queue. The queue must not
// be in use (stop the collector first): the queue lock enforces it.
import { writeCheckpoint } from './checkpoint-file.js';
import type { DeliveryConfig } from './config.js';
import { DeadLetters } from './dead-letters.js';
import { DiskQueue } from './disk-queue.js';
import { lockOwner } from './queue-lock.js';
import { FleetlogError } from '../component/errors.js';

export interface ReplayReport {
  files: number;
  records: number;
  badLines: number;
}

export async function replayDeadLetters(directory: string, config: DeliveryConfig): Promise<ReplayReport> {
  const owner = await lockOwner(directory);
  if (owner !== undefined && owner !== process.pid) {
    throw new FleetlogError('FLEETLOG_ERR_QUEUE_IO', `The queue is in use by process ${owner} (a running collector): stop it first, then replay; the records go out at its next start.`);
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
  } finally {
    await queue.close();
  }
  return report;
}

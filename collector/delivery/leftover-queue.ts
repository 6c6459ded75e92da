// Records a durable-mode disk queue left in an exporter's folder when the exporter now runs with `queue.mode: direct`
// (a site switched, or the upgrade that made direct the `file` exporter's default found unsent records there). They
// go out through the direct path, in queue order, before any new batch is taken; a refused send is retried with the
// exporter's back-off until it passes or the node shuts down (then they stay for the next start).
import { readdir } from 'node:fs/promises';
import type { Logger } from '../component/contract.js';
import { errorMessage } from '../component/errors.js';
import type { LogBatch } from '../component/log-record.js';
import { retryDelayMs } from './backoff.js';
import type { DeliveryConfig } from './config.js';
import { DiskQueue } from './disk-queue.js';
import { sleep } from './notifier.js';

/** True when the folder holds queue segments (a durable-mode queue was used there). */
export async function hasLeftoverQueue(directory: string): Promise<boolean> {
  const names = await readdir(directory).catch(() => [] as string[]);
  return names.some((name) => name.startsWith('seg-'));
}

export interface LeftoverOptions {
  directory: string;
  config: DeliveryConfig;
  /** The direct path: resolves when the batch was taken, rejects (retryable) otherwise. */
  send: (batch: LogBatch) => Promise<void>;
  /** Aborted at shutdown: the rest stays queued on disk. */
  signal: AbortSignal;
  logger: Logger;
}

/** Sends every unacknowledged record of the left-over queue; returns how many were sent. */
export async function sendLeftoverQueue(o: LeftoverOptions): Promise<number> {
  const queue = new DiskQueue({ ...o.config.queue, directory: o.directory, fullWaitMs: 0, logger: o.logger });
  await queue.open();
  let sent = 0;
  try {
    while (queue.hasUnread() && !o.signal.aborted) {
      const records = await queue.read(o.config.batch.maxRecords);
      // One resource per batch, in order.
      for (let start = 0; start < records.length;) {
        let end = start + 1;
        while (end < records.length && records[end]!.resourceKey === records[start]!.resourceKey) end += 1;
        const part = records.slice(start, end);
        const batch: LogBatch = { resource: part[0]!.resource, records: part.map((r) => r.record) };
        for (let attempt = 0; ; attempt += 1) {
          try {
            await o.send(batch);
            break;
          } catch (error) {
            o.logger.warn('Sending records left in the queue folder failed; retrying.', { error: errorMessage(error) });
            if (!(await sleep(retryDelayMs(o.config.retry, attempt, undefined), o.signal))) return sent;
          }
        }
        await queue.ack(part[part.length - 1]!.seq);
        sent += part.length;
        start = end;
      }
    }
    return sent;
  } finally {
    await queue.close();
  }
}

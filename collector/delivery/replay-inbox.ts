// Dead letters handed back to a running collector: `fleetlog queue replay-dead-letters` moves the files (rename, so
// each appears whole) into <queue>/replay-inbox/; the delivery node re-queues them at start and whenever the folder
// changes (fs.watch — no polling timer), deleting each file once its records are durable in the queue.
import { watch, type FSWatcher } from 'node:fs';
import { mkdir, readdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { LogBatch } from '../component/log-record.js';
import { writeCheckpoint } from './checkpoint-file.js';
import { DeadLetters } from './dead-letters.js';

export const REPLAY_INBOX_DIRECTORY = 'replay-inbox';

export interface InboxReport {
  files: number;
  records: number;
  badLines: number;
}

/** Re-queues every `.ndjson` file of the inbox, oldest first; a file is deleted after its records are appended. */
export async function importInbox(queueDirectory: string, append: (batch: LogBatch) => Promise<void>): Promise<InboxReport> {
  const inbox = join(queueDirectory, REPLAY_INBOX_DIRECTORY);
  const report: InboxReport = { files: 0, records: 0, badLines: 0 };
  let names: string[];
  try {
    names = (await readdir(inbox)).filter((n) => n.endsWith('.ndjson')).sort();
  } catch {
    return report;
  }
  for (const name of names) {
    const path = join(inbox, name);
    const { batches, records, badLines, unreadable } = await DeadLetters.readBatches(path);
    for (const batch of batches) await append(batch);
    if (badLines > 0) await writeCheckpoint(`${path}.unreadable`, `${unreadable.join('\n')}\n`);
    await DeadLetters.remove(path);
    report.files += 1;
    report.records += records;
    report.badLines += badLines;
  }
  return report;
}

/** Moves dead-letter files into the inbox of a running collector's queue; returns how many. */
export async function handToInbox(queueDirectory: string): Promise<number> {
  const inbox = join(queueDirectory, REPLAY_INBOX_DIRECTORY);
  await mkdir(inbox, { recursive: true });
  const files = await new DeadLetters(queueDirectory, '').list();
  for (const file of files) await rename(file.path, join(inbox, file.name));
  return files.length;
}

/** Calls `onChange` when files appear in the inbox (created if missing). Returns a stop function. */
export async function watchInbox(queueDirectory: string, onChange: () => void): Promise<() => void> {
  const inbox = join(queueDirectory, REPLAY_INBOX_DIRECTORY);
  await mkdir(inbox, { recursive: true });
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(inbox, { persistent: false }, () => onChange());
    watcher.on('error', () => watcher?.close());
  } catch {
    // No inotify: the inbox is still read at the next start.
  }
  return () => watcher?.close();
}

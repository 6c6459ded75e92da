// The dead-letter folder: batches an exporter refused for good (or that outlived retry.max_elapsed), one NDJSON
// file per batch, one line per record with the reason. Written atomically; nothing is deleted silently — only
// `fleetlog queue replay-dead-letters` removes a file, after its records are back in the queue.
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Attributes, LogBatch, LogRecord } from '../component/log-record.js';
import { writeCheckpoint } from './checkpoint-file.js';

export const DEAD_LETTER_DIRECTORY = 'dead-letters';

export interface DeadLetterLine {
  reason: string;
  exporter: string;
  deadLetteredAt: string;
  resource: Attributes;
  record: LogRecord;
}

export interface DeadLetterFile {
  name: string;
  path: string;
  bytes: number;
}

export class DeadLetters {
  readonly directory: string;
  #exporterId: string;
  #written = 0;

  constructor(queueDirectory: string, exporterId: string) {
    this.directory = join(queueDirectory, DEAD_LETTER_DIRECTORY);
    this.#exporterId = exporterId;
  }

  /** Stores the batches with their reason; resolves once the file is durable. */
  async write(batches: readonly LogBatch[], reason: string, firstSeq: number): Promise<void> {
    const deadLetteredAt = new Date().toISOString();
    const lines: string[] = [];
    for (const batch of batches) {
      for (const record of batch.records) {
        const line: DeadLetterLine = { reason, exporter: this.#exporterId, deadLetteredAt, resource: batch.resource, record };
        lines.push(JSON.stringify(line));
      }
    }
    if (lines.length === 0) return;
    this.#written += 1;
    const name = `${Date.now()}-${String(firstSeq).padStart(12, '0')}-${process.pid}-${this.#written}.ndjson`;
    await writeCheckpoint(join(this.directory, name), `${lines.join('\n')}\n`);
  }

  /** The dead-letter files, oldest first. */
  async list(): Promise<DeadLetterFile[]> {
    let names: string[];
    try {
      names = await readdir(this.directory);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const files: DeadLetterFile[] = [];
    for (const name of names.filter((n) => n.endsWith('.ndjson')).sort()) {
      const path = join(this.directory, name);
      const info = await stat(path).catch(() => undefined);
      if (info) files.push({ name, path, bytes: info.size });
    }
    return files;
  }

  /** The records of one file as batches (consecutive lines with an equal resource form one batch). */
  static async readBatches(path: string): Promise<{ batches: LogBatch[]; records: number; badLines: number; unreadable: string[] }> {
    const text = await readFile(path, 'utf8');
    const batches: LogBatch[] = [];
    let lastKey = '';
    let records = 0;
    const unreadable: string[] = [];
    for (const raw of text.split('\n')) {
      if (raw.trim() === '') continue;
      let line: DeadLetterLine;
      try {
        line = JSON.parse(raw) as DeadLetterLine;
      } catch {
        unreadable.push(raw);
        continue;
      }
      if (typeof line !== 'object' || line === null || typeof line.record !== 'object' || line.record === null) {
        unreadable.push(raw);
        continue;
      }
      const resource = line.resource ?? {};
      const key = JSON.stringify(resource);
      if (batches.length === 0 || key !== lastKey) batches.push({ resource, records: [] });
      batches[batches.length - 1]!.records.push(line.record);
      lastKey = key;
      records += 1;
    }
    return { batches, records, badLines: unreadable.length, unreadable };
  }

  static async remove(path: string): Promise<void> {
    await rm(path, { force: true });
  }
}

// What a file_log receiver persists in its storage folder: for each file it knows, the identity and the
// offset of the first byte not yet acknowledged downstream. Written atomically (checkpoint-file.ts).
import { join } from 'node:path';
import { readCheckpoint, writeCheckpoint } from '../../../collector/delivery/checkpoint-file.js';
import type { FingerprintRef } from './fingerprint.js';

export interface FileCheckpoint extends FingerprintRef {
  /** Stable part of the record ids of this file's lines (`<id>:<offset>`). */
  id: string;
  path: string;
  dev: number;
  ino: number;
  /** Every line before this byte offset was accepted downstream. */
  offset: number;
}

interface CheckpointDocument {
  version: 1;
  files: FileCheckpoint[];
}

export const CHECKPOINT_FILE_NAME = 'file_log.offsets.json';
/** Files no longer seen are remembered this long (a list), so a file that comes back is recognised. */
export const MAX_FORGOTTEN_FILES = 64;

export function checkpointPath(storageDir: string): string {
  return join(storageDir, CHECKPOINT_FILE_NAME);
}

function isFileCheckpoint(value: unknown): value is FileCheckpoint {
  const v = value as Partial<FileCheckpoint> | null;
  return v !== null && typeof v === 'object' && typeof v.id === 'string' && typeof v.path === 'string' &&
    typeof v.matchHash === 'string' && typeof v.matchLength === 'number' && typeof v.offset === 'number' &&
    typeof v.dev === 'number' && typeof v.ino === 'number';
}

/**
 * The saved files; undefined when there is no checkpoint (the first run). Throws when the file exists but is not
 * a checkpoint (the caller reports it and carries on as after a run whose positions are lost).
 */
export async function loadCheckpoint(storageDir: string): Promise<FileCheckpoint[] | undefined> {
  const document = await readCheckpoint<CheckpointDocument>(checkpointPath(storageDir));
  if (document === undefined) return undefined;
  if (document.version !== 1 || !Array.isArray(document.files)) throw new Error('unknown checkpoint format');
  return document.files.filter(isFileCheckpoint);
}

export async function saveCheckpoint(storageDir: string, files: readonly FileCheckpoint[]): Promise<void> {
  const document: CheckpointDocument = { version: 1, files: [...files] };
  await writeCheckpoint(checkpointPath(storageDir), document);
}

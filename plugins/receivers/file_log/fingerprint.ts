// File identity: a hash of the leading bytes, compared as a prefix while a file is shorter than
// `fingerprint_bytes` (like the OpenTelemetry filelog receiver). Together with the inode of an open file it
// tells a renamed file (same inode) from a new one, and a file seen again after a restart from a replaced one.
import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';

export function hashBytes(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 16);
}

/** The first `length` bytes of an open file (fewer if it is shorter). */
export async function readHead(handle: FileHandle, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}

export interface FingerprintRef {
  /** Hash of the first `matchLength` bytes. */
  matchHash: string;
  matchLength: number;
}

/** True when `head` (a file's first bytes) starts with the bytes that `ref` was taken from. */
export function headMatches(head: Buffer, ref: FingerprintRef): boolean {
  return ref.matchLength > 0 && head.length >= ref.matchLength && hashBytes(head.subarray(0, ref.matchLength)) === ref.matchHash;
}

// The queue's acknowledgement pointer: the highest seq the destination has taken. Two files:
//   ack.pos   12 bytes (f64 seq + CRC-32) overwritten in place ~10×/s while acks happen, never fsynced: a killed
//             process loses nothing (the page cache survives it) and the kernel writes the one page back lazily,
//             so flash sees about one write per writeback period however often it changes.
//   ack.json  written atomically with fsync (checkpoint-file.ts) at a clean close.
// Recovery takes the higher valid one. A stale pointer only means re-sent records (duplicates), never lost ones.
import { open, readFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { readCheckpoint, writeCheckpoint } from './checkpoint-file.js';

export const ACK_FILE = 'ack.json';
export const ACK_POSITION_FILE = 'ack.pos';

function encode(seq: number): Buffer {
  const buf = Buffer.alloc(12);
  buf.writeDoubleLE(seq, 0);
  buf.writeUInt32LE(crc32(buf.subarray(0, 8)), 8);
  return buf;
}

/** The acknowledged seq recorded in the folder (0 when none). Unreadable files count as absent. */
export async function readAckPointer(directory: string): Promise<number> {
  let seq = 0;
  try {
    const ack = await readCheckpoint<{ ackedSeq?: unknown }>(join(directory, ACK_FILE));
    if (typeof ack?.ackedSeq === 'number' && Number.isFinite(ack.ackedSeq)) seq = ack.ackedSeq;
  } catch {
    // corrupt JSON: fall back to ack.pos (or 0 — everything is re-sent)
  }
  const buf = await readFile(join(directory, ACK_POSITION_FILE)).catch(() => undefined);
  if (buf !== undefined && buf.length >= 12 && crc32(buf.subarray(0, 8)) === buf.readUInt32LE(8)) {
    const fast = buf.readDoubleLE(0);
    if (Number.isFinite(fast)) seq = Math.max(seq, fast);
  }
  return seq;
}

export class AckPointer {
  #directory: string;
  #handle: FileHandle | undefined;
  #written = 0;

  constructor(directory: string) {
    this.#directory = directory;
  }

  /** Overwrites ack.pos in place (no fsync). */
  async update(seq: number): Promise<void> {
    if (seq <= this.#written) return;
    this.#handle ??= await open(join(this.#directory, ACK_POSITION_FILE), 'w');
    await this.#handle.write(encode(seq), 0, 12, 0);
    this.#written = seq;
  }

  /** The durable form, at a clean close. */
  async close(seq: number): Promise<void> {
    try {
      await this.update(seq);
    } finally {
      await this.#handle?.close();
      this.#handle = undefined;
    }
    await writeCheckpoint(join(this.#directory, ACK_FILE), { ackedSeq: seq });
  }
}

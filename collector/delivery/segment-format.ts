// The on-disk frame of a queue segment. Every frame carries its own length and CRC-32, so a reader can tell a good
// frame from a torn or flipped one and resynchronise on the next good frame.
//
//   u32 LE  body length
//   u32 LE  CRC-32 of the body
//   body:   u8 kind (1 resource, 2 record) · u8 severity · u16 LE resource index · f64 LE seq · f64 LE enqueued-at ms
//           · JSON (resource attributes, or the LogRecord)
//
// Records of one segment name their resource by index; the resource frame comes first in the same segment, so a
// segment is readable on its own.
import { crc32 } from 'node:zlib';

export const FRAME_PREFIX_BYTES = 8;
export const BODY_HEADER_BYTES = 20;
export const KIND_RESOURCE = 1;
export const KIND_RECORD = 2;
/** Frames above this are treated as corrupt lengths. */
export const MAX_FRAME_BODY_BYTES = 64 * 1024 * 1024;

export interface FrameFields {
  kind: typeof KIND_RESOURCE | typeof KIND_RECORD;
  severity: number;
  resourceIndex: number;
  seq: number;
  enqueuedAtMs: number;
}

export interface ScannedFrame extends FrameFields {
  /** Offset of the frame in the scanned buffer (plus the buffer's file offset). */
  offset: number;
  /** Whole frame size (prefix + body). */
  size: number;
  json: Buffer;
}

export interface CorruptRegion {
  offset: number;
  bytes: number;
}

export interface ScanResult {
  frames: ScannedFrame[];
  /** Regions that failed length or checksum checks and were skipped. */
  corrupt: CorruptRegion[];
  /** Offset just past the last good frame (or skipped region) — where the next scan continues. */
  end: number;
  /** Bytes after `end` that look like the start of a frame not yet complete in the buffer. */
  incompleteBytes: number;
}

function writeFrameHeader(frame: Buffer, pos: number, fields: FrameFields, jsonBytes: number): void {
  frame.writeUInt32LE(BODY_HEADER_BYTES + jsonBytes, pos);
  frame.writeUInt8(fields.kind, pos + 8);
  frame.writeUInt8(Math.max(0, Math.min(255, fields.severity | 0)), pos + 9);
  frame.writeUInt16LE(fields.resourceIndex, pos + 10);
  frame.writeDoubleLE(fields.seq, pos + 12);
  frame.writeDoubleLE(fields.enqueuedAtMs, pos + 20);
}

function sealFrame(frame: Buffer, pos: number, jsonBytes: number): void {
  const body = pos + FRAME_PREFIX_BYTES;
  frame.writeUInt32LE(crc32(frame.subarray(body, body + BODY_HEADER_BYTES + jsonBytes)), pos + 4);
}

export function encodeFrame(fields: FrameFields, json: string): Buffer {
  const jsonBytes = Buffer.byteLength(json);
  const frame = Buffer.allocUnsafe(FRAME_PREFIX_BYTES + BODY_HEADER_BYTES + jsonBytes);
  writeFrameHeader(frame, 0, fields, jsonBytes);
  frame.write(json, FRAME_PREFIX_BYTES + BODY_HEADER_BYTES, 'utf8');
  sealFrame(frame, 0, jsonBytes);
  return frame;
}

/** A record's JSON already encoded as UTF-8: `blob[start, start + length)`. */
export interface EncodedJson {
  readonly severity: number;
  readonly blob: Buffer;
  readonly start: number;
  readonly length: number;
}

/**
 * Record frames for consecutive seqs from `firstSeq`, all in one buffer: the same bytes as encodeFrame() per record,
 * with one allocation and one write for the group, copying JSON that was encoded once for every queue.
 */
export function encodeRecordFrames(resourceIndex: number, firstSeq: number, enqueuedAtMs: number, records: readonly EncodedJson[]): Buffer {
  let total = 0;
  for (const r of records) total += FRAME_PREFIX_BYTES + BODY_HEADER_BYTES + r.length;
  const frames = Buffer.allocUnsafe(total);
  let pos = 0;
  for (let i = 0; i < records.length; i += 1) {
    const r = records[i]!;
    writeFrameHeader(frames, pos, { kind: KIND_RECORD, severity: r.severity, resourceIndex, seq: firstSeq + i, enqueuedAtMs }, r.length);
    r.blob.copy(frames, pos + FRAME_PREFIX_BYTES + BODY_HEADER_BYTES, r.start, r.start + r.length);
    sealFrame(frames, pos, r.length);
    pos += FRAME_PREFIX_BYTES + BODY_HEADER_BYTES + r.length;
  }
  return frames;
}

/** The frame at `pos` when it is complete and valid; 'incomplete' when it runs past the buffer; undefined when bad. */
function frameAt(buf: Buffer, pos: number): ScannedFrame | 'incomplete' | undefined {
  if (buf.length - pos < FRAME_PREFIX_BYTES) return 'incomplete';
  const length = buf.readUInt32LE(pos);
  if (length < BODY_HEADER_BYTES || length > MAX_FRAME_BODY_BYTES) return undefined;
  const end = pos + FRAME_PREFIX_BYTES + length;
  if (end > buf.length) return 'incomplete';
  const body = buf.subarray(pos + FRAME_PREFIX_BYTES, end);
  if (crc32(body) !== buf.readUInt32LE(pos + 4)) return undefined;
  const kind = body.readUInt8(0);
  if (kind !== KIND_RESOURCE && kind !== KIND_RECORD) return undefined;
  return {
    kind,
    severity: body.readUInt8(1),
    resourceIndex: body.readUInt16LE(2),
    seq: body.readDoubleLE(4),
    enqueuedAtMs: body.readDoubleLE(12),
    offset: pos,
    size: end - pos,
    json: body.subarray(BODY_HEADER_BYTES),
  };
}

/**
 * Parses frames from `from`. A bad frame starts a corrupt region that ends at the next position holding a good
 * frame. With `complete` (the buffer is the whole file), a trailing partial frame or unrecoverable tail is reported
 * as a corrupt region (a torn tail); otherwise it is left for the next read as `incompleteBytes`.
 */
export function scanFrames(buf: Buffer, from = 0, complete = true): ScanResult {
  const frames: ScannedFrame[] = [];
  const corrupt: CorruptRegion[] = [];
  let pos = from;
  while (pos < buf.length) {
    const frame = frameAt(buf, pos);
    if (frame !== undefined && frame !== 'incomplete') {
      frames.push(frame);
      pos += frame.size;
      continue;
    }
    if (frame === 'incomplete' && !complete) return { frames, corrupt, end: pos, incompleteBytes: buf.length - pos };
    let next = pos + 1;
    for (; next < buf.length; next += 1) {
      const candidate = frameAt(buf, next);
      if (candidate !== undefined && candidate !== 'incomplete') break;
    }
    if (next >= buf.length && !complete) {
      // Could be a frame still being completed beyond this buffer: leave it for the next read.
      return { frames, corrupt, end: pos, incompleteBytes: buf.length - pos };
    }
    corrupt.push({ offset: pos, bytes: next - pos });
    pos = next;
  }
  return { frames, corrupt, end: pos, incompleteBytes: 0 };
}

// The on-disk frame of a queue segment. Every frame carries its own length and CRC-32, so a reader can tell a good
// frame from a torn or flipped one and resynchronise on the next good frame.
//
//   u32 LE  body length
//   u32 LE  CRC-32 of the body
//   body:   u8 kind · u8 severity · u16 LE resource index · f64 LE seq · f64 LE enqueued-at ms · payload
//
//   kind 1  resource: payload = the resource attributes' JSON
//   kind 2  record (one record; what versions before the batch frame wrote, and what eviction rewrites to):
//           payload = the record's JSON (record-codec.ts)
//   kind 3  batch (what appends write): the records of one append with consecutive seqs from the header's seq;
//           severity 0 in the header; payload = u32 LE count · count × (u8 severity · u32 LE JSON length) · the
//           records' JSON, one after the other. One length and CRC for up to MAX_BATCH_FRAME_RECORDS records.
//
// Records of one segment name their resource by index; the resource frame comes first in the same segment, so a
// segment is readable on its own. A reader reads all three kinds, so a queue written by an older version (kind 2)
// is still read after an upgrade.
import { crc32 } from 'node:zlib';

export const FRAME_PREFIX_BYTES = 8;
export const BODY_HEADER_BYTES = 20;
export const KIND_RESOURCE = 1;
export const KIND_RECORD = 2;
export const KIND_BATCH = 3;
/** Frames above this are treated as corrupt lengths. */
export const MAX_FRAME_BODY_BYTES = 64 * 1024 * 1024;
/** A batch frame holds at most this many records: a damaged frame loses no more than that. */
export const MAX_BATCH_FRAME_RECORDS = 128;
/** A batch frame closes before its JSON passes this (a frame always takes one record, however large). */
export const MAX_BATCH_FRAME_JSON_BYTES = 64 * 1024;
/** The count of a batch frame. */
const BATCH_COUNT_BYTES = 4;
/** Per record of a batch frame: severity and JSON length. */
export const BATCH_INDEX_BYTES = 5;
/** A batch frame's bytes besides its records' index entries and JSON. */
export const BATCH_FRAME_OVERHEAD_BYTES = FRAME_PREFIX_BYTES + BODY_HEADER_BYTES + BATCH_COUNT_BYTES;

export type FrameKind = typeof KIND_RESOURCE | typeof KIND_RECORD | typeof KIND_BATCH;

export interface FrameFields {
  kind: FrameKind;
  severity: number;
  resourceIndex: number;
  /** Record: its seq; batch: its first record's seq; resource: 0. */
  seq: number;
  enqueuedAtMs: number;
}

export interface ScannedFrame extends FrameFields {
  /** Offset of the frame in the scanned buffer (plus the buffer's file offset). */
  offset: number;
  /** Whole frame size (prefix + body). */
  size: number;
  /** Records in the frame: 0 (resource), 1 (record) or the batch's count. */
  count: number;
  /** The payload: resource or record JSON, or a batch's count, index and JSON. */
  json: Buffer;
}

/** One record of a record or batch frame. */
export interface FrameRecord {
  seq: number;
  severity: number;
  resourceIndex: number;
  enqueuedAtMs: number;
  /** The record's JSON (a view into the scanned buffer). */
  json: Buffer;
  /** Its share of the segment: a record frame's size, or index entry + JSON in a batch frame. */
  bytes: number;
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

function writeFrameHeader(frame: Buffer, pos: number, fields: FrameFields, payloadBytes: number): void {
  frame.writeUInt32LE(BODY_HEADER_BYTES + payloadBytes, pos);
  frame.writeUInt8(fields.kind, pos + 8);
  frame.writeUInt8(Math.max(0, Math.min(255, fields.severity | 0)), pos + 9);
  frame.writeUInt16LE(fields.resourceIndex, pos + 10);
  frame.writeDoubleLE(fields.seq, pos + 12);
  frame.writeDoubleLE(fields.enqueuedAtMs, pos + 20);
}

function sealFrame(frame: Buffer, pos: number, payloadBytes: number): void {
  const body = pos + FRAME_PREFIX_BYTES;
  frame.writeUInt32LE(crc32(frame.subarray(body, body + BODY_HEADER_BYTES + payloadBytes)), pos + 4);
}

/** Bytes of a resource or record frame with this JSON. */
export function frameSize(json: string | Buffer): number {
  return FRAME_PREFIX_BYTES + BODY_HEADER_BYTES + (typeof json === 'string' ? Buffer.byteLength(json) : json.length);
}

/** Writes a frame of kind resource or record (JSON as a string, or as UTF-8 bytes) at `pos`; returns its end. */
export function writeFrame(out: Buffer, pos: number, fields: FrameFields, json: string | Buffer): number {
  const payload = pos + FRAME_PREFIX_BYTES + BODY_HEADER_BYTES;
  const jsonBytes = typeof json === 'string' ? out.write(json, payload, 'utf8') : json.copy(out, payload);
  writeFrameHeader(out, pos, fields, jsonBytes);
  sealFrame(out, pos, jsonBytes);
  return payload + jsonBytes;
}

/** One frame of kind resource or record (JSON as a string, or as UTF-8 bytes). */
export function encodeFrame(fields: FrameFields, json: string | Buffer): Buffer {
  const frame = Buffer.allocUnsafe(frameSize(json));
  writeFrame(frame, 0, fields, json);
  return frame;
}

/** Where records' JSON is: UTF-8 bytes valid until the caller's next yield (batch-json.ts). */
export interface JsonSource {
  bytes(): Buffer;
}

/** A record's JSON already encoded as UTF-8: `source.bytes()[start, start + length)`. */
export interface EncodedJson {
  readonly severity: number;
  readonly source: JsonSource;
  readonly start: number;
  readonly length: number;
}

/** Where each batch frame of `records` ends (exclusive record indexes), by the frame limits. */
function batchFrameEnds(records: readonly { readonly length: number }[]): number[] {
  const ends: number[] = [];
  let count = 0;
  let jsonBytes = 0;
  for (let i = 0; i < records.length; i += 1) {
    const length = records[i]!.length;
    if (count > 0 && (count >= MAX_BATCH_FRAME_RECORDS || jsonBytes + length > MAX_BATCH_FRAME_JSON_BYTES)) {
      ends.push(i);
      count = 0;
      jsonBytes = 0;
    }
    count += 1;
    jsonBytes += length;
  }
  if (count > 0) ends.push(records.length);
  return ends;
}

/** How many batch frames writeBatchFrames() writes for these records. */
export function batchFrameCount(records: readonly { readonly length: number }[]): number {
  return batchFrameEnds(records).length;
}

/** Bytes of the batch frames writeBatchFrames() writes for these records. */
export function batchFramesSize(records: readonly { readonly length: number }[]): number {
  let total = batchFrameCount(records) * BATCH_FRAME_OVERHEAD_BYTES;
  for (const r of records) total += BATCH_INDEX_BYTES + r.length;
  return total;
}

/**
 * Writes the records as batch frames (consecutive seqs from `firstSeq`) at `pos` — batchFramesSize(records) bytes,
 * one CRC per frame, copying JSON that was encoded once for every queue; returns the end.
 */
export function writeBatchFrames(out: Buffer, pos: number, resourceIndex: number, firstSeq: number, enqueuedAtMs: number, records: readonly EncodedJson[]): number {
  let start = 0;
  for (const end of batchFrameEnds(records)) {
    const count = end - start;
    let payload = BATCH_COUNT_BYTES + count * BATCH_INDEX_BYTES;
    for (let i = start; i < end; i += 1) payload += records[i]!.length;
    writeFrameHeader(out, pos, { kind: KIND_BATCH, severity: 0, resourceIndex, seq: firstSeq + start, enqueuedAtMs }, payload);
    const body = pos + FRAME_PREFIX_BYTES + BODY_HEADER_BYTES;
    out.writeUInt32LE(count, body);
    let index = body + BATCH_COUNT_BYTES;
    let json = index + count * BATCH_INDEX_BYTES;
    // The JSON is copied in runs: records encoded one after the other from one source (a batch's, unless the drop
    // policy thinned it) are contiguous there, and each copy call costs more than its bytes.
    let run: EncodedJson | undefined;
    let runEnd = 0;
    for (let i = start; i < end; i += 1) {
      const r = records[i]!;
      out[index] = Math.max(0, Math.min(255, r.severity | 0));
      out.writeUInt32LE(r.length, index + 1);
      index += BATCH_INDEX_BYTES;
      if (run !== undefined && r.source === run.source && r.start === runEnd) {
        runEnd += r.length;
        continue;
      }
      if (run !== undefined) json += run.source.bytes().copy(out, json, run.start, runEnd);
      run = r;
      runEnd = r.start + r.length;
    }
    if (run !== undefined) run.source.bytes().copy(out, json, run.start, runEnd);
    sealFrame(out, pos, payload);
    pos += FRAME_PREFIX_BYTES + BODY_HEADER_BYTES + payload;
    start = end;
  }
  return pos;
}

/** The records as batch frames in a buffer of their own (writeBatchFrames). */
export function encodeBatchFrames(resourceIndex: number, firstSeq: number, enqueuedAtMs: number, records: readonly EncodedJson[]): Buffer {
  const out = Buffer.allocUnsafe(batchFramesSize(records));
  writeBatchFrames(out, 0, resourceIndex, firstSeq, enqueuedAtMs, records);
  return out;
}

/** The count of a batch payload when its index and JSON lengths add up to the payload exactly; undefined otherwise. */
function batchCount(payload: Buffer): number | undefined {
  if (payload.length < BATCH_COUNT_BYTES) return undefined;
  const count = payload.readUInt32LE(0);
  if (count === 0 || count > MAX_BATCH_FRAME_RECORDS || payload.length < BATCH_COUNT_BYTES + count * BATCH_INDEX_BYTES) return undefined;
  let bytes = BATCH_COUNT_BYTES + count * BATCH_INDEX_BYTES;
  for (let i = 0; i < count; i += 1) bytes += payload.readUInt32LE(BATCH_COUNT_BYTES + i * BATCH_INDEX_BYTES + 1);
  return bytes === payload.length ? count : undefined;
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
  const json = body.subarray(BODY_HEADER_BYTES);
  let count: number | undefined = kind === KIND_RESOURCE ? 0 : kind === KIND_RECORD ? 1 : undefined;
  if (kind === KIND_BATCH) count = batchCount(json);
  if (count === undefined) return undefined;
  return {
    kind: kind as FrameKind,
    severity: body.readUInt8(1),
    resourceIndex: body.readUInt16LE(2),
    seq: body.readDoubleLE(4),
    enqueuedAtMs: body.readDoubleLE(12),
    offset: pos,
    size: end - pos,
    count,
    json,
  };
}

/** The records of a frame, in seq order ([] for a resource frame). */
export function frameRecords(frame: ScannedFrame): FrameRecord[] {
  const { resourceIndex, enqueuedAtMs } = frame;
  if (frame.kind === KIND_RECORD) return [{ seq: frame.seq, severity: frame.severity, resourceIndex, enqueuedAtMs, json: frame.json, bytes: frame.size }];
  if (frame.kind !== KIND_BATCH) return [];
  const out: FrameRecord[] = [];
  let json = BATCH_COUNT_BYTES + frame.count * BATCH_INDEX_BYTES;
  for (let i = 0; i < frame.count; i += 1) {
    const index = BATCH_COUNT_BYTES + i * BATCH_INDEX_BYTES;
    const length = frame.json.readUInt32LE(index + 1);
    out.push({ seq: frame.seq + i, severity: frame.json[index]!, resourceIndex, enqueuedAtMs, json: frame.json.subarray(json, json + length), bytes: BATCH_INDEX_BYTES + length });
    json += length;
  }
  return out;
}

/** The severity of record `i` of a record or batch frame. */
export function frameSeverityAt(frame: ScannedFrame, i: number): number {
  return frame.kind === KIND_BATCH ? frame.json[BATCH_COUNT_BYTES + i * BATCH_INDEX_BYTES]! : frame.severity;
}

/** The highest seq of a record or batch frame. */
export function frameLastSeq(frame: ScannedFrame): number {
  return frame.seq + frame.count - 1;
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

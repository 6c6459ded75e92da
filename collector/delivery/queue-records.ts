// Records on their way into a segment: encoded once per batch (packed JSON, record-codec.ts, written as UTF-8 by
// record-bytes.ts) for every queue the batch fans out to, sized as batch frames, and thinned by the drop policy when
// the batch itself must give way.
import type { LogRecord } from '../component/log-record.js';
import { evictionClass } from './queue.js';
import { BatchJson } from './batch-json.js';
import { BATCH_FRAME_OVERHEAD_BYTES, BATCH_INDEX_BYTES, BODY_HEADER_BYTES, FRAME_PREFIX_BYTES, batchFrameCount, type EncodedJson } from './segment-format.js';

/** A record with its frame JSON (UTF-8 bytes shared by the batch's records, batch-json.ts). */
export interface EncodedRecord extends EncodedJson {
  readonly record: LogRecord;
  readonly source: BatchJson;
  /** Its share of a batch frame on disk (index entry + JSON; the frame's own overhead is counted per frame). */
  readonly bytes: number;
}

/**
 * The encodings of a batch's records, by its records array. A pipeline that fans out to several exporters hands
 * each delivery node the same batch, so the second queue (and a retried append of the same batch) reuses the first
 * encoding — its lengths always, its JSON while batch-json.ts still holds it. Sound because a batch is not changed
 * after consume() (the LogsConsumer contract; fan-out gives a mutating consumer its own copy); the entry goes with
 * the batch.
 */
const encodedBatches = new WeakMap<readonly LogRecord[], readonly EncodedRecord[]>();

export function encodeRecords(records: readonly LogRecord[]): readonly EncodedRecord[] {
  const cached = encodedBatches.get(records);
  if (cached !== undefined && cached[0]?.source.stale !== true) return cached;
  const source = new BatchJson(records);
  const { lengths } = source;
  const encoded = new Array<EncodedRecord>(records.length);
  let start = 0;
  for (let i = 0; i < records.length; i += 1) {
    const record = records[i]!;
    const length = lengths[i]!;
    encoded[i] = { record, severity: record.severityNumber, source, start, length, bytes: BATCH_INDEX_BYTES + length };
    start += length;
  }
  encodedBatches.set(records, encoded);
  return encoded;
}

/** Bytes of the resource frame a segment needs before its first record of that resource. */
export function resourceFrameBytes(resourceKey: string): number {
  return FRAME_PREFIX_BYTES + BODY_HEADER_BYTES + Buffer.byteLength(resourceKey);
}

/** Bytes the records take on disk as batch frames, with a resource frame in case the segment lacks it. */
export function frameBytes(resourceKey: string, records: readonly EncodedRecord[]): number {
  let bytes = resourceFrameBytes(resourceKey) + batchFrameCount(records) * BATCH_FRAME_OVERHEAD_BYTES;
  for (const r of records) bytes += r.bytes;
  return bytes;
}

/** Drops the batch's own DEBUG/INFO records, oldest first, then WARN, until it fits `targetBytes`. */
export function thinOut(resourceKey: string, records: readonly EncodedRecord[], targetBytes: number): readonly EncodedRecord[] {
  let size = frameBytes(resourceKey, records);
  for (const cls of [0, 1] as const) {
    if (size <= targetBytes) break;
    const kept: EncodedRecord[] = [];
    for (const r of records) {
      if (size > targetBytes && evictionClass(r.record.severityNumber) <= cls) size -= r.bytes;
      else kept.push(r);
    }
    records = kept;
  }
  return records;
}

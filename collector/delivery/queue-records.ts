// Records on their way into a segment: encoded once per append (packed JSON, record-codec.ts), sized as frames,
// and thinned by the drop policy when the batch itself must give way.
import type { LogRecord } from '../component/log-record.js';
import { evictionClass } from './queue.js';
import { encodeRecordJson } from './record-codec.js';
import { BODY_HEADER_BYTES, FRAME_PREFIX_BYTES } from './segment-format.js';

export const FRAME_OVERHEAD_BYTES = FRAME_PREFIX_BYTES + BODY_HEADER_BYTES;

/** A record with its frame JSON, encoded once per append. */
export interface EncodedRecord {
  record: LogRecord;
  json: string;
  /** Frame size on disk. */
  bytes: number;
}

export function encodeRecords(records: readonly LogRecord[]): EncodedRecord[] {
  return records.map((record) => {
    const json = encodeRecordJson(record);
    return { record, json, bytes: FRAME_OVERHEAD_BYTES + Buffer.byteLength(json) };
  });
}

/** Bytes the records take on disk, with a resource frame in case the segment lacks it. */
export function frameBytes(resourceKey: string, records: readonly EncodedRecord[]): number {
  let bytes = FRAME_OVERHEAD_BYTES + Buffer.byteLength(resourceKey);
  for (const r of records) bytes += r.bytes;
  return bytes;
}

/** Drops the batch's own DEBUG/INFO records, oldest first, then WARN, until it fits `targetBytes`. */
export function thinOut(resourceKey: string, records: EncodedRecord[], targetBytes: number): EncodedRecord[] {
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

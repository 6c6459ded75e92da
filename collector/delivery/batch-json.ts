// The UTF-8 JSON of one batch's records (record-bytes.ts), held in one of a few writers that are reused batch after
// batch instead of being copied into a buffer of its own: a new buffer per append was half of the disk queue's
// Buffer churn at 5,000 lines/s, and that churn is what brought V8's mark-compacts. A batch's JSON stays in its
// writer until JSON_WRITERS later batches have been encoded (a pipeline's queues write a batch one after the other,
// so they normally find it there); a write that comes later encodes the batch again — the same bytes, as a batch is
// not changed after consume() (the LogsConsumer contract). If it was changed all the same, the lengths the queue
// sized its frames by no longer hold: bytes() throws (the append is rejected, nothing written) and the batch is
// encoded afresh at its next append (`stale`).
import type { LogRecord } from '../component/log-record.js';
import { RecordBytes } from './record-bytes.js';
import type { JsonSource } from './segment-format.js';

/** How many batches' JSON stays in memory at once. */
const JSON_WRITERS = 2;

interface Writer {
  readonly bytes: RecordBytes;
  owner: BatchJson | undefined;
}

const writers: Writer[] = [];
let nextWriter = 0;

function takeWriter(owner: BatchJson): Writer {
  if (writers.length < JSON_WRITERS) writers.push({ bytes: new RecordBytes(), owner: undefined });
  const writer = writers[nextWriter]!;
  nextWriter = (nextWriter + 1) % JSON_WRITERS;
  writer.owner = owner;
  writer.bytes.reset();
  return writer;
}

export class BatchJson implements JsonSource {
  readonly #records: readonly LogRecord[];
  /** Each record's JSON length in bytes; the records' JSON is back to back from 0. */
  readonly lengths: readonly number[];
  #writer: Writer;
  #stale = false;

  constructor(records: readonly LogRecord[]) {
    this.#records = records;
    this.#writer = takeWriter(this);
    this.lengths = records.map((r) => this.#writer.bytes.record(r));
  }

  /** The batch changed after it was encoded: its lengths are wrong, encode it again. */
  get stale(): boolean {
    return this.#stale;
  }

  /** The JSON (bytes [0, sum of lengths)); valid until another batch is encoded, so to be used at once. */
  bytes(): Buffer {
    if (this.#writer.owner !== this) {
      this.#writer = takeWriter(this);
      const bytes = this.#writer.bytes;
      for (let i = 0; i < this.#records.length; i += 1) {
        if (bytes.record(this.#records[i]!) !== this.lengths[i]) {
          this.#writer.owner = undefined;
          this.#stale = true;
          throw new Error('A batch was changed after consume(): its records no longer have the JSON the queue sized them by.');
        }
      }
    }
    return this.#writer.bytes.buffer;
  }
}

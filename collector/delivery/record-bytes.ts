// The packed JSON of records (record-codec.ts) written as UTF-8 straight into one growing buffer, byte for byte what
// Buffer.from(encodeRecordJson(record)) holds — without a string per record (JSON.stringify's intermediate strings
// were most of what the collector allocated at 5,000 lines/s). The JSON itself is written by JsonBytes.
import { JsonBytes } from '../component/json-bytes.js';
import type { LogRecord } from '../component/log-record.js';

/** A buffer grown beyond this by one huge batch is let go at the next reset. */
const KEEP_BYTES = 1024 * 1024;
const COMMA = 0x2c;

export class RecordBytes {
  readonly #out = new JsonBytes();

  /** Bytes written since the last reset(). */
  get length(): number {
    return this.#out.length;
  }

  /** The buffer written into: bytes [0, length) are the records' JSON (until the next reset() or record()). */
  get buffer(): Buffer {
    return this.#out.buffer;
  }

  reset(): void {
    this.#out.reset(KEEP_BYTES);
  }

  /** A copy of the bytes written since the last reset(), in a buffer of their own. */
  copy(): Buffer {
    return Buffer.from(this.#out.view());
  }

  /** Appends encodeRecordJson(r) as UTF-8; returns its length in bytes. */
  record(r: LogRecord): number {
    const out = this.#out;
    const start = out.length;
    out.byte(0x5b);
    this.#element(r.timeUnixNano);
    out.byte(COMMA);
    this.#element(r.observedTimeUnixNano);
    out.byte(COMMA);
    this.#element(r.severityNumber);
    out.byte(COMMA);
    this.#element(r.severityText);
    out.byte(COMMA);
    this.#element(r.body);
    out.byte(COMMA);
    this.#element(r.attributes);
    // The optional fields up to the last one present, absent ones before it as null (record-codec.ts).
    const last = r.eventName !== undefined ? 5 : r.flags !== undefined ? 4 : r.spanId !== undefined ? 3 : r.traceId !== undefined ? 2 : r.bootId !== undefined ? 1 : r.recordId !== undefined ? 0 : -1;
    if (last >= 0) this.#optional(r.recordId);
    if (last >= 1) this.#optional(r.bootId);
    if (last >= 2) this.#optional(r.traceId);
    if (last >= 3) this.#optional(r.spanId);
    if (last >= 4) this.#optional(r.flags);
    if (last >= 5) this.#optional(r.eventName);
    out.byte(0x5d);
    return out.length - start;
  }

  #optional(value: unknown): void {
    this.#out.byte(COMMA);
    this.#element(value ?? null);
  }

  /** As an array element: JSON.stringify's text, null where it gives undefined. */
  #element(value: unknown): void {
    if (!this.#out.value(value)) this.#out.raw('null');
  }
}

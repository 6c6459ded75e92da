// Gathers one drain's records into batches, and joins continuation lines — a Python traceback after the
// logging line that introduced it — into that record's message. Joins happen within the bytes one drain reads:
// Python's logging writes a whole record (traceback included) in one write, so a record is never held back
// waiting for more bytes, and the last record of a read goes out at once.
import type { LogRecord } from '../../../collector/component/index.js';

/**
 * The records, and beside them (in reused typed arrays rather than an object per record: this runs for every line)
 * the file offset just past each record's last line and the bytes of its lines in the file. Only the last record
 * can still change, so only its joining state is kept.
 */
export class RecordAssembler {
  readonly #maxJoinedBytes: number;
  #records: LogRecord[] = [];
  #ends: Float64Array = new Float64Array(256);
  #lineBytes: Float64Array = new Float64Array(256);
  #bytes = 0;
  /** The last record can take continuation lines (a Python logging record). */
  #lastJoinable = false;
  #lastBodyBytes = 0;
  /** A continuation line of the last record was dropped for size. */
  #lastFull = false;

  constructor(maxJoinedBytes: number) {
    this.#maxJoinedBytes = maxJoinedBytes;
  }

  /**
   * Forgets every record (a new drain) but keeps the typed arrays: their memory is outside the JS heap, and new
   * ones per drain would count towards the garbage collector's external-memory limit.
   */
  clear(): void {
    this.#records = [];
    this.#bytes = 0;
    this.#lastJoinable = false;
    this.#lastBodyBytes = 0;
    this.#lastFull = false;
  }

  get length(): number {
    return this.#records.length;
  }

  /** Approximate bytes of the lines gathered. */
  get bytes(): number {
    return this.#bytes;
  }

  push(record: LogRecord, end: number, joinable: boolean, lineBytes: number): void {
    const index = this.#records.length;
    if (index === this.#ends.length) {
      this.#ends = grown(this.#ends);
      this.#lineBytes = grown(this.#lineBytes);
    }
    this.#records.push(record);
    this.#ends[index] = end;
    this.#lineBytes[index] = lineBytes;
    this.#bytes += lineBytes;
    this.#lastJoinable = joinable;
    this.#lastBodyBytes = typeof record.body === 'string' ? record.body.length : 0;
    this.#lastFull = false;
  }

  /**
   * Appends `text` as a new line of the last record's message if that record takes continuations; false when
   * there is none. Beyond `maxJoinedBytes` the text is dropped and the record marked truncated.
   */
  continueLast(text: string, end: number): boolean {
    const last = this.#records.length - 1;
    const record = this.#records[last];
    if (record === undefined || !this.#lastJoinable || typeof record.body !== 'string') return false;
    this.#ends[last] = end;
    this.#lineBytes[last]! += text.length + 1;
    this.#bytes += text.length + 1;
    if (this.#lastFull || this.#lastBodyBytes + text.length + 1 > this.#maxJoinedBytes) {
      this.#lastFull = true; // no gaps: once a line is dropped, so are the ones after it
      record.attributes['log.record.truncated'] = true;
      return true;
    }
    record.body = `${record.body}\n${text}`;
    this.#lastBodyBytes += text.length + 1;
    return true;
  }

  /**
   * Takes the records ready to go, at most `limit`, with the offset just past the last one taken. With
   * `holdLast`, a trailing record that may still get continuation lines stays. undefined when nothing is ready.
   */
  take(holdLast: boolean, limit = Infinity): { records: LogRecord[]; end: number } | undefined {
    const count = this.#records.length;
    const keep = holdLast && count > 0 && this.#lastJoinable ? 1 : 0;
    const ready = Math.min(count - keep, limit);
    if (ready <= 0) return undefined;
    const end = this.#ends[ready - 1]!;
    if (ready === count) {
      const records = this.#records;
      this.#records = [];
      this.#bytes = 0;
      return { records, end };
    }
    // What stays is usually one record (the last, waiting for continuation lines): copy that, not what goes.
    const records = this.#records.slice(0, ready);
    this.#records = this.#records.slice(ready);
    this.#ends.copyWithin(0, ready, count);
    this.#lineBytes.copyWithin(0, ready, count);
    this.#bytes = this.#lineBytes.subarray(0, count - ready).reduce((sum, bytes) => sum + bytes, 0);
    return { records, end };
  }
}

function grown(array: Float64Array): Float64Array {
  const bigger = new Float64Array(array.length * 2);
  bigger.set(array);
  return bigger;
}

// Gathers one drain's records into batches, and joins continuation lines — a Python traceback after the
// logging line that introduced it — into that record's message. Joins happen within the bytes one drain reads:
// Python's logging writes a whole record (traceback included) in one write, so a record is never held back
// waiting for more bytes, and the last record of a read goes out at once.
import type { LogRecord } from '../../../collector/component/index.js';

interface Entry {
  record: LogRecord;
  /** File offset just past the record's last line. */
  end: number;
  /** The record can take continuation lines (a Python logging record). */
  joinable: boolean;
  bodyBytes: number;
  /** Bytes of the record's lines in the file. */
  lineBytes: number;
  /** A continuation line was dropped for size. */
  full: boolean;
}

export class RecordAssembler {
  readonly #maxJoinedBytes: number;
  #entries: Entry[] = [];
  #bytes = 0;

  constructor(maxJoinedBytes: number) {
    this.#maxJoinedBytes = maxJoinedBytes;
  }

  get length(): number {
    return this.#entries.length;
  }

  /** Approximate bytes of the lines gathered. */
  get bytes(): number {
    return this.#bytes;
  }

  push(record: LogRecord, end: number, joinable: boolean, lineBytes: number): void {
    this.#entries.push({ record, end, joinable, bodyBytes: typeof record.body === 'string' ? record.body.length : 0, lineBytes, full: false });
    this.#bytes += lineBytes;
  }

  /**
   * Appends `text` as a new line of the last record's message if that record takes continuations; false when
   * there is none. Beyond `maxJoinedBytes` the text is dropped and the record marked truncated.
   */
  continueLast(text: string, end: number): boolean {
    const last = this.#entries.at(-1);
    if (!last?.joinable || typeof last.record.body !== 'string') return false;
    last.end = end;
    last.lineBytes += text.length + 1;
    this.#bytes += text.length + 1;
    if (last.full || last.bodyBytes + text.length + 1 > this.#maxJoinedBytes) {
      last.full = true; // no gaps: once a line is dropped, so are the ones after it
      last.record.attributes['log.record.truncated'] = true;
      return true;
    }
    last.record.body = `${last.record.body}\n${text}`;
    last.bodyBytes += text.length + 1;
    return true;
  }

  /**
   * Takes the records ready to go, at most `limit`, with the offset just past the last one taken. With
   * `holdLast`, a trailing record that may still get continuation lines stays. undefined when nothing is ready.
   */
  take(holdLast: boolean, limit = Infinity): { records: LogRecord[]; end: number } | undefined {
    const keep = holdLast && this.#entries.at(-1)?.joinable === true ? 1 : 0;
    const ready = Math.min(this.#entries.length - keep, limit);
    if (ready <= 0) return undefined;
    const taken = this.#entries.splice(0, ready);
    this.#bytes = this.#entries.reduce((sum, e) => sum + e.lineBytes, 0);
    return { records: taken.map((e) => e.record), end: taken.at(-1)!.end };
  }
}

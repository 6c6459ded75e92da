// Splits the bytes of a file into lines, across reads that end mid-line. Memory is bounded: a line longer than
// `maxLineBytes` keeps its first `maxLineBytes` bytes and is marked truncated; the rest is skipped up to its newline.
// Offsets are byte positions in the file, so a checkpoint can resume exactly at a line start.

export interface Line {
  text: string;
  /** File offset of the line's first byte. */
  start: number;
  /** File offset just past the line's newline: where the next line starts. */
  end: number;
  truncated: boolean;
}

/**
 * The lines a push() or flush() completed, side by side in arrays that are reused from call to call rather than an
 * object per line (this runs for every line). `clear()` lets go of the texts.
 */
export class LineList {
  count = 0;
  readonly texts: string[] = [];
  readonly starts: number[] = [];
  readonly ends: number[] = [];
  readonly truncated: boolean[] = [];

  add(text: string, start: number, end: number, truncated: boolean): void {
    const i = this.count;
    this.texts[i] = text;
    this.starts[i] = start;
    this.ends[i] = end;
    this.truncated[i] = truncated;
    this.count = i + 1;
  }

  /** Line `i` as an object. */
  at(i: number): Line {
    return { text: this.texts[i]!, start: this.starts[i]!, end: this.ends[i]!, truncated: this.truncated[i]! };
  }

  /** Forgets the lines, keeping the arrays' room. */
  clear(): void {
    this.texts.fill('', 0, this.count);
    this.count = 0;
  }
}

const NEWLINE = 0x0a;
const CR = 0x0d;

export class LineSplitter {
  readonly #maxLineBytes: number;
  readonly #encoding: BufferEncoding;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #truncated = false;
  /** Bytes of an over-long pending line dropped so far. */
  #skippedBytes = 0;
  /** File offset of the pending line's first byte. */
  #lineStart: number;

  constructor(startOffset: number, maxLineBytes: number, encoding: BufferEncoding) {
    this.#lineStart = startOffset;
    this.#maxLineBytes = maxLineBytes;
    this.#encoding = encoding;
  }

  /** Offset just past the last complete line: where reading must resume after a restart. */
  get lineOffset(): number {
    return this.#lineStart;
  }

  /** Bytes of an unfinished line held back. */
  get pendingBytes(): number {
    return this.#pendingBytes;
  }

  /** Forgets the pending partial line and starts again at `offset` (after a truncation). */
  reset(offset: number): void {
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#truncated = false;
    this.#skippedBytes = 0;
    this.#lineStart = offset;
  }

  /** Appends the lines completed by `chunk` (the bytes that follow everything pushed before) to `out`. */
  push(chunk: Buffer, out: LineList): void {
    let from = 0;
    let newline = chunk.indexOf(NEWLINE, from);
    if (this.#pendingBytes > 0 || this.#truncated) {
      if (newline === -1) {
        this.#hold(chunk, 0, chunk.length);
        return;
      }
      this.#hold(chunk, 0, newline);
      const joined = this.#pending.length === 1 ? this.#pending[0]! : Buffer.concat(this.#pending, this.#pendingBytes);
      const skipped = this.#truncated;
      const end = this.#lineStart + this.#pendingBytes + this.#skippedBytes + 1;
      this.#emitBuffer(joined, 0, joined.length, skipped, end, out);
      this.#pending = [];
      this.#pendingBytes = 0;
      this.#skippedBytes = 0;
      this.#truncated = false;
      from = newline + 1;
      newline = chunk.indexOf(NEWLINE, from);
    }
    while (newline !== -1) {
      const length = newline - from;
      const end = this.#lineStart + length + 1;
      if (length > this.#maxLineBytes) this.#emitBuffer(chunk, from, from + this.#maxLineBytes, true, end, out);
      else this.#emitBuffer(chunk, from, newline, false, end, out);
      from = newline + 1;
      newline = chunk.indexOf(NEWLINE, from);
    }
    if (from < chunk.length) this.#hold(chunk, from, chunk.length);
  }

  /** The held partial line as a final line (the file is finished: rotated away or deleted), if any. */
  flush(out: LineList): void {
    if (this.#pendingBytes === 0 && !this.#truncated) return;
    const joined = Buffer.concat(this.#pending, this.#pendingBytes);
    const end = this.#lineStart + this.#pendingBytes + this.#skippedBytes;
    this.#emitBuffer(joined, 0, joined.length, this.#truncated, end, out);
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#skippedBytes = 0;
    this.#truncated = false;
  }

  #hold(chunk: Buffer, from: number, to: number): void {
    const room = this.#maxLineBytes - this.#pendingBytes;
    const take = Math.min(room, to - from);
    if (take > 0) {
      // Copy: the caller reuses its read buffer.
      this.#pending.push(Buffer.from(chunk.subarray(from, from + take)));
      this.#pendingBytes += take;
    }
    if (take < to - from) {
      this.#truncated = true;
      this.#skippedBytes += to - from - take;
    }
  }

  #emitBuffer(buffer: Buffer, from: number, to: number, truncated: boolean, end: number, out: LineList): void {
    let stop = to;
    if (stop > from && buffer[stop - 1] === CR) stop -= 1;
    out.add(buffer.toString(this.#encoding, from, stop), this.#lineStart, end, truncated);
    this.#lineStart = end;
  }
}

// A protobuf wire-format writer over one growing Buffer. Length-delimited messages reserve their length prefix
// up front (`begin`) and fix it afterwards (`end`), moving the body only when the length needs more bytes than
// reserved — so a message is written in one pass, with no size-estimating pass and no intermediate objects.

const INITIAL_BYTES = 64 * 1024;
const TWO_POW_32 = 0x1_0000_0000;
/** Strings shorter than this (so with a 1-byte length) are tried as ASCII in JavaScript first. */
const SHORT_STRING = 128;

function varintBytes(value: number): number {
  if (value < 0x80) return 1;
  if (value < 0x4000) return 2;
  if (value < 0x20_0000) return 3;
  if (value < 0x1000_0000) return 4;
  return 5;
}

export class ProtobufWriter {
  #buf: Buffer;
  #pos = 0;
  #moves = 0;

  constructor(initialBytes = INITIAL_BYTES) {
    this.#buf = Buffer.allocUnsafe(initialBytes);
  }

  get length(): number {
    return this.#pos;
  }

  /** How many times a message body was moved to widen its length prefix (offsets taken before may be stale). */
  get moves(): number {
    return this.#moves;
  }

  /** Starts over; a buffer grown beyond keepBytes is given back (one huge batch should not pin its memory). */
  reset(keepBytes = Number.POSITIVE_INFINITY): void {
    this.#pos = 0;
    if (this.#buf.length > keepBytes) this.#buf = Buffer.allocUnsafe(INITIAL_BYTES);
  }

  /** The bytes written so far (a view of the writer's buffer). */
  finish(): Buffer {
    return this.#buf.subarray(0, this.#pos);
  }

  #ensure(bytes: number): void {
    const needed = this.#pos + bytes;
    if (needed <= this.#buf.length) return;
    let size = Math.max(this.#buf.length * 2, 64); // (a writer made with 0 bytes grows too)
    while (size < needed) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    this.#buf.copy(grown, 0, 0, this.#pos);
    this.#buf = grown;
  }

  /** An unsigned varint of at most 32 bits. */
  uint32(value: number): void {
    this.#ensure(5);
    let v = value >>> 0;
    while (v > 0x7f) {
      this.#buf[this.#pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.#buf[this.#pos++] = v;
  }

  tag(field: number, wire: number): void {
    this.uint32((field << 3) | wire);
  }

  /** An int64 varint of an integral number (negative ones in two's complement, 10 bytes). */
  int64(value: number): void {
    if (value >= 0 && value < TWO_POW_32) {
      this.uint32(value);
      return;
    }
    const abs = Math.abs(value);
    let low = abs >>> 0;
    let high = Math.floor(abs / TWO_POW_32) >>> 0;
    if (value < 0) {
      low = ~low >>> 0;
      high = ~high >>> 0;
      low = (low + 1) >>> 0;
      if (low === 0) high = (high + 1) >>> 0;
    }
    this.#ensure(10);
    while (high > 0 || low > 0x7f) {
      this.#buf[this.#pos++] = (low & 0x7f) | 0x80;
      low = ((low >>> 7) | (high << 25)) >>> 0;
      high >>>= 7;
    }
    this.#buf[this.#pos++] = low;
  }

  fixed32(value: number): void {
    this.#ensure(4);
    this.#pos = this.#buf.writeUInt32LE(value >>> 0, this.#pos);
  }

  /** A fixed64 from its two 32-bit halves (byte stores: cheaper than two writeUInt32LE with their range checks). */
  fixed64(low: number, high: number): void {
    this.#ensure(8);
    const buf = this.#buf;
    const pos = this.#pos;
    buf[pos] = low;
    buf[pos + 1] = low >>> 8;
    buf[pos + 2] = low >>> 16;
    buf[pos + 3] = low >>> 24;
    buf[pos + 4] = high;
    buf[pos + 5] = high >>> 8;
    buf[pos + 6] = high >>> 16;
    buf[pos + 7] = high >>> 24;
    this.#pos = pos + 8;
  }

  double(value: number): void {
    this.#ensure(8);
    this.#pos = this.#buf.writeDoubleLE(value, this.#pos);
  }

  /** A length-delimited UTF-8 string (lone surrogates become U+FFFD, as with TextEncoder). */
  string(text: string): void {
    const length = text.length;
    if (length < SHORT_STRING && this.#ascii(text, length)) return;
    const maxBytes = length * 3;
    const reserved = varintBytes(maxBytes);
    this.#ensure(reserved + maxBytes);
    const start = this.#pos + reserved;
    const written = this.#buf.write(text, start, maxBytes, 'utf8');
    this.#pos = start + written;
    this.#fixLength(start - reserved, reserved, written);
  }

  /**
   * Field `tag` (one byte) holding a KeyValue{key, AnyValue{string_value}} whose key and value are ASCII and
   * short enough for one-byte lengths — the usual attribute — with every length known up front (no begin/end).
   * False, having written nothing, otherwise.
   */
  keyStringValue(tag: number, key: string, value: string): boolean {
    const keyLength = key.length;
    const valueLength = value.length;
    const anyLength = 2 + valueLength;
    const length = 2 + keyLength + 2 + anyLength;
    if (length >= 0x80) return false;
    this.#ensure(2 + length);
    const buf = this.#buf;
    let pos = this.#pos;
    buf[pos++] = tag;
    buf[pos++] = length;
    buf[pos++] = 0x0a; // KeyValue.key
    buf[pos++] = keyLength;
    pos = copyAscii(buf, pos, key);
    if (pos < 0) return false;
    buf[pos++] = 0x12; // KeyValue.value
    buf[pos++] = anyLength;
    buf[pos++] = 0x0a; // AnyValue.string_value
    buf[pos++] = valueLength;
    pos = copyAscii(buf, pos, value);
    if (pos < 0) return false;
    this.#pos = pos;
    return true;
  }

  /**
   * Field `tag` (one byte) holding an AnyValue{string_value} of short ASCII text (a log message), lengths known
   * up front. False, having written nothing, otherwise.
   */
  anyStringValue(tag: number, value: string): boolean {
    const valueLength = value.length;
    if (valueLength >= 0x80 - 2) return false;
    this.#ensure(4 + valueLength);
    const buf = this.#buf;
    let pos = this.#pos;
    buf[pos++] = tag;
    buf[pos++] = 2 + valueLength;
    buf[pos++] = 0x0a; // AnyValue.string_value
    buf[pos++] = valueLength;
    pos = copyAscii(buf, pos, value);
    if (pos < 0) return false;
    this.#pos = pos;
    return true;
  }

  /** Appends a copy of `length` bytes written earlier at `start` (a KeyValue the previous record had too). */
  repeat(start: number, length: number): void {
    this.#ensure(length);
    this.#buf.copyWithin(this.#pos, start, start + length);
    this.#pos += length;
  }

  /** Short ASCII text byte by byte (cheaper than a native call); false, having written nothing, otherwise. */
  #ascii(text: string, length: number): boolean {
    this.#ensure(1 + length);
    const end = copyAscii(this.#buf, this.#pos + 1, text);
    if (end < 0) return false;
    this.#buf[this.#pos] = length;
    this.#pos = end;
    return true;
  }

  /** Length-delimited bytes from a hex string (two digits per byte, as otlp-transformer's hexToBinary). */
  hexBytes(hex: string): void {
    const bytes = hex.length >>> 1;
    this.uint32(bytes);
    this.#ensure(bytes);
    for (let i = 0; i < bytes; i += 1) {
      this.#buf[this.#pos++] = (hexDigit(hex.charCodeAt(2 * i)) << 4) | hexDigit(hex.charCodeAt(2 * i + 1));
    }
  }

  /** Starts a length-delimited message, reserving `reserveBytes` for its length; returns the mark for end(). */
  begin(reserveBytes = 1): number {
    this.#ensure(reserveBytes);
    const mark = this.#pos;
    this.#pos += reserveBytes;
    return mark * 8 + reserveBytes;
  }

  /** Writes the length of the message started at `mark`. */
  end(mark: number): void {
    const reserved = mark & 7;
    const at = (mark - reserved) / 8;
    this.#fixLength(at, reserved, this.#pos - at - reserved);
  }

  /** Writes `length` as a minimal varint at `at`, where `reserved` bytes were kept, moving the body if needed. */
  #fixLength(at: number, reserved: number, length: number): void {
    const needed = varintBytes(length);
    if (needed !== reserved) {
      this.#moves += 1;
      const bodyStart = at + reserved;
      this.#ensure(Math.max(needed - reserved, 0));
      this.#buf.copy(this.#buf, at + needed, bodyStart, this.#pos);
      this.#pos += needed - reserved;
    }
    let v = length;
    let i = at;
    while (v > 0x7f) {
      this.#buf[i++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.#buf[i] = v;
  }
}

function hexDigit(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 102) return code - 87;
  return code - 55;
}

/** Copies ASCII `text` into `buf` at `pos` (room already ensured); the position after it, or -1 at the first non-ASCII unit. */
function copyAscii(buf: Buffer, pos: number, text: string): number {
  const length = text.length;
  for (let i = 0; i < length; i += 1) {
    const code = text.charCodeAt(i);
    if (code > 0x7f) return -1;
    buf[pos++] = code;
  }
  return pos;
}

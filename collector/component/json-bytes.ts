// JSON text written as UTF-8 straight into one growing Buffer that its owner reuses from batch to batch: no string
// per value, no strings to join, no Buffer per write. Every value comes out exactly as JSON.stringify writes it. ASCII
// strings that need no escaping (most log text) are copied byte by byte in JavaScript, plain objects are walked here;
// anything else goes through JSON.stringify and a native UTF-8 write. Used by the disk queue (records' packed JSON)
// and the `file` exporter (its JSON lines); a plugin that writes JSON per record may use it too.

const INITIAL_BYTES = 64 * 1024;
const QUOTE = 0x22;
const COMMA = 0x2c;

export class JsonBytes {
  #buf: Buffer;
  #pos = 0;
  #resets = 0;

  constructor(initialBytes = INITIAL_BYTES) {
    this.#buf = Buffer.allocUnsafe(initialBytes);
  }

  /** Bytes written since the last reset(). */
  get length(): number {
    return this.#pos;
  }

  /** The buffer written into: bytes [0, length) are what was written (valid until the next write or reset()). */
  get buffer(): Buffer {
    return this.#buf;
  }

  /** The bytes written so far: a view of the writer's buffer, valid until the next write or reset(). */
  view(): Buffer {
    return this.#buf.subarray(0, this.#pos);
  }

  /** How many times reset() was called: offsets taken before a reset point at nothing. */
  get resets(): number {
    return this.#resets;
  }

  /** Starts over; a buffer grown beyond keepBytes is given back (one huge batch should not pin its memory). */
  reset(keepBytes = Number.POSITIVE_INFINITY): void {
    this.#pos = 0;
    this.#resets += 1;
    if (this.#buf.length > keepBytes) this.#buf = Buffer.allocUnsafe(INITIAL_BYTES);
  }

  /** Forgets what was written after `length` (a key whose value turned out to be undefined). */
  truncate(length: number): void {
    this.#pos = length;
  }

  /** Text that is already JSON (punctuation, keys, digits); UTF-8 encoded if it is not ASCII. */
  raw(text: string): void {
    const length = text.length;
    this.#ensure(length);
    const buf = this.#buf;
    let pos = this.#pos;
    for (let i = 0; i < length; i += 1) {
      const code = text.charCodeAt(i);
      if (code > 0x7f) {
        this.#utf8(text);
        return;
      }
      buf[pos++] = code;
    }
    this.#pos = pos;
  }

  /** One ASCII character's code (punctuation). */
  byte(code: number): void {
    this.#ensure(1);
    this.#buf[this.#pos++] = code;
  }

  /** Bytes encoded once (field names, a batch's resource): one copy, cheaper than writing their text. */
  bytes(bytes: Uint8Array): void {
    this.#ensure(bytes.length);
    this.#buf.set(bytes, this.#pos);
    this.#pos += bytes.length;
  }

  /** Appends a copy of `length` bytes written since the last reset at `start` (text written before, once more). */
  repeat(start: number, length: number): void {
    this.#ensure(length);
    this.#buf.copyWithin(this.#pos, start, start + length);
    this.#pos += length;
  }

  /** JSON.stringify(text). */
  string(text: string): void {
    const length = text.length;
    this.#ensure(length + 2);
    const buf = this.#buf;
    let pos = this.#pos;
    buf[pos++] = QUOTE;
    for (let i = 0; i < length; i += 1) {
      const code = text.charCodeAt(i);
      // `"`, `\` and control characters are escaped; non-ASCII (lone surrogates included) needs the encoder.
      if (code < 0x20 || code === QUOTE || code === 0x5c || code > 0x7f) {
        this.#utf8(JSON.stringify(text));
        return;
      }
      buf[pos++] = code;
    }
    buf[pos++] = QUOTE;
    this.#pos = pos;
  }

  /** JSON.stringify(value) for a finite or non-finite number. */
  number(value: number): void {
    if (value >= 0 && value < 0x8000_0000 && (value | 0) === value) this.#digits(value);
    else this.raw(Number.isFinite(value) ? `${value}` : 'null'); // a finite number's JSON is its toString
  }

  /** JSON.stringify(value); false, having written nothing, where JSON.stringify gives undefined (an omitted key). */
  value(value: unknown): boolean {
    switch (typeof value) {
      case 'string':
        this.string(value);
        return true;
      case 'number':
        this.number(value);
        return true;
      case 'boolean':
        this.raw(value ? 'true' : 'false');
        return true;
      case 'object':
        if (value === null) {
          this.raw('null');
          return true;
        }
        if (Object.getPrototypeOf(value) === Object.prototype && !('toJSON' in value)) {
          this.#object(value as Record<string, unknown>);
          return true;
        }
        return this.#stringified(value);
      default:
        return this.#stringified(value);
    }
  }

  /** A plain object's own keys in JSON.stringify's order (for…in visits own keys first, in that order). */
  #object(value: Record<string, unknown>): void {
    this.byte(0x7b);
    let first = true;
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      const mark = this.#pos;
      if (!first) this.byte(COMMA);
      this.string(key);
      this.byte(0x3a);
      if (this.value(value[key])) first = false;
      else this.#pos = mark; // undefined, a function or a symbol: the key is left out
    }
    this.byte(0x7d);
  }

  #stringified(value: unknown): boolean {
    const json = JSON.stringify(value) as string | undefined;
    if (json === undefined) return false;
    this.#utf8(json);
    return true;
  }

  /** A non-negative int32 in decimal. */
  #digits(value: number): void {
    let digits = 1;
    for (let v = value; v >= 10; v = Math.floor(v / 10)) digits += 1;
    this.#ensure(digits);
    const buf = this.#buf;
    let pos = this.#pos + digits;
    this.#pos = pos;
    let v = value;
    do {
      const next = Math.floor(v / 10);
      buf[--pos] = 0x30 + v - next * 10;
      v = next;
    } while (v > 0);
  }

  #utf8(text: string): void {
    this.#ensure(text.length * 3); // a UTF-16 code unit is at most 3 bytes of UTF-8
    this.#pos += this.#buf.write(text, this.#pos, 'utf8');
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
}

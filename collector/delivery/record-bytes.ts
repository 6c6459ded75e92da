// The packed JSON of records (record-codec.ts) written as UTF-8 straight into one growing buffer, byte for byte what
// Buffer.from(encodeRecordJson(record)) holds — without a string per record (JSON.stringify's intermediate strings
// were most of what the collector allocated at 5,000 lines/s). ASCII strings that need no escaping (most log text)
// are copied in JavaScript; anything else (escapes, non-ASCII, nested values) goes through JSON.stringify and a
// native UTF-8 write.
import type { LogRecord } from '../component/log-record.js';

const INITIAL_BYTES = 64 * 1024;
/** A buffer grown beyond this by one huge batch is let go at the next reset. */
const KEEP_BYTES = 1024 * 1024;
const COMMA = 0x2c;
const QUOTE = 0x22;

export class RecordBytes {
  #buf = Buffer.allocUnsafe(INITIAL_BYTES);
  #pos = 0;

  /** Bytes written since the last reset(). */
  get length(): number {
    return this.#pos;
  }

  /** The buffer written into: bytes [0, length) are the records' JSON (until the next reset() or record()). */
  get buffer(): Buffer {
    return this.#buf;
  }

  reset(): void {
    this.#pos = 0;
    if (this.#buf.length > KEEP_BYTES) this.#buf = Buffer.allocUnsafe(INITIAL_BYTES);
  }

  /** A copy of the bytes written since the last reset(), in a buffer of their own. */
  copy(): Buffer {
    const out = Buffer.allocUnsafe(this.#pos);
    this.#buf.copy(out, 0, 0, this.#pos);
    return out;
  }

  /** Appends encodeRecordJson(r) as UTF-8; returns its length in bytes. */
  record(r: LogRecord): number {
    const start = this.#pos;
    this.#byte(0x5b);
    this.#element(r.timeUnixNano);
    this.#byte(COMMA);
    this.#element(r.observedTimeUnixNano);
    this.#byte(COMMA);
    this.#element(r.severityNumber);
    this.#byte(COMMA);
    this.#element(r.severityText);
    this.#byte(COMMA);
    this.#element(r.body);
    this.#byte(COMMA);
    this.#element(r.attributes);
    // The optional fields up to the last one present, absent ones before it as null (record-codec.ts).
    const last = r.eventName !== undefined ? 5 : r.flags !== undefined ? 4 : r.spanId !== undefined ? 3 : r.traceId !== undefined ? 2 : r.bootId !== undefined ? 1 : r.recordId !== undefined ? 0 : -1;
    if (last >= 0) this.#optional(r.recordId);
    if (last >= 1) this.#optional(r.bootId);
    if (last >= 2) this.#optional(r.traceId);
    if (last >= 3) this.#optional(r.spanId);
    if (last >= 4) this.#optional(r.flags);
    if (last >= 5) this.#optional(r.eventName);
    this.#byte(0x5d);
    return this.#pos - start;
  }

  #optional(value: unknown): void {
    this.#byte(COMMA);
    this.#element(value ?? null);
  }

  #ensure(bytes: number): void {
    const needed = this.#pos + bytes;
    if (needed <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < needed) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    this.#buf.copy(grown, 0, 0, this.#pos);
    this.#buf = grown;
  }

  #byte(code: number): void {
    this.#ensure(1);
    this.#buf[this.#pos++] = code;
  }

  /** As an array element: JSON.stringify's text, null where it gives undefined. */
  #element(value: unknown): void {
    if (!this.#value(value)) this.#ascii('null');
  }

  /** JSON.stringify(value); false, having written nothing, where JSON.stringify gives undefined. */
  #value(value: unknown): boolean {
    switch (typeof value) {
      case 'string':
        this.#string(value);
        return true;
      case 'number':
        if (value >= 0 && value < 0x8000_0000 && (value | 0) === value) this.#digits(value);
        else this.#ascii(Number.isFinite(value) ? `${value}` : 'null'); // a finite number's JSON is its toString
        return true;
      case 'boolean':
        this.#ascii(value ? 'true' : 'false');
        return true;
      case 'object':
        if (value === null) {
          this.#ascii('null');
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
    this.#byte(0x7b);
    let first = true;
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      const mark = this.#pos;
      if (!first) this.#byte(COMMA);
      this.#string(key);
      this.#byte(0x3a);
      if (this.#value(value[key])) first = false;
      else this.#pos = mark; // undefined, a function or a symbol: the key is left out
    }
    this.#byte(0x7d);
  }

  #stringified(value: unknown): boolean {
    const json = JSON.stringify(value) as string | undefined;
    if (json === undefined) return false;
    this.#utf8(json);
    return true;
  }

  /** JSON.stringify(text). */
  #string(text: string): void {
    const length = text.length;
    this.#ensure(length + 2);
    const buf = this.#buf;
    let pos = this.#pos;
    buf[pos++] = QUOTE;
    for (let i = 0; i < length; i += 1) {
      const code = text.charCodeAt(i);
      // `"`, `\` and control characters are escaped; non-ASCII (lone surrogates included) needs the encoder.
      if (code < 0x20 || code === QUOTE || code === 0x5c || code > 0x7e) {
        this.#utf8(JSON.stringify(text));
        return;
      }
      buf[pos++] = code;
    }
    buf[pos++] = QUOTE;
    this.#pos = pos;
  }

  /** Text that is ASCII JSON already (literals, number text). */
  #ascii(text: string): void {
    this.#ensure(text.length);
    const buf = this.#buf;
    let pos = this.#pos;
    for (let i = 0; i < text.length; i += 1) buf[pos++] = text.charCodeAt(i);
    this.#pos = pos;
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
}

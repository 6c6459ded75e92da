// Growable byte writer and bounds-checked reader with unsigned/zigzag varints (LEB128). Numbers use plain
// arithmetic (no 32-bit bit operations), so integers up to 2^53 are exact. The reader throws DecodeError on any
// overrun, so a decoder fed random bytes fails with a clear reason instead of reading garbage.

export class DecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DecodeError';
  }
}

export class ByteWriter {
  #buf = Buffer.allocUnsafe(256);
  #len = 0;

  get length(): number {
    return this.#len;
  }

  #room(n: number): void {
    if (this.#len + n <= this.#buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.#buf.length * 2, this.#len + n));
    this.#buf.copy(next, 0, 0, this.#len);
    this.#buf = next;
  }

  byte(value: number): void {
    this.#room(1);
    this.#buf[this.#len++] = value & 0xff;
  }

  bytes(data: Uint8Array): void {
    this.#room(data.length);
    this.#buf.set(data, this.#len);
    this.#len += data.length;
  }

  uvarint(value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`uvarint out of range: ${value}`);
    let v = value;
    while (v >= 0x80) {
      this.byte((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.byte(v);
  }

  /** Signed integer with |value| ≤ 2^52, zigzag-mapped. */
  svarint(value: number): void {
    this.uvarint(value >= 0 ? value * 2 : -value * 2 - 1);
  }

  /** Length-prefixed UTF-8 string. */
  string(value: string): void {
    const data = Buffer.from(value, 'utf8');
    this.uvarint(data.length);
    this.bytes(data);
  }

  toBuffer(): Buffer {
    return Buffer.from(this.#buf.subarray(0, this.#len));
  }
}

export class ByteReader {
  readonly #buf: Uint8Array;
  #pos: number;
  readonly #end: number;
  readonly #name: string;

  constructor(buf: Uint8Array, name = 'data', start = 0, end = buf.length) {
    this.#buf = buf;
    this.#pos = start;
    this.#end = end;
    this.#name = name;
  }

  get position(): number {
    return this.#pos;
  }

  get remaining(): number {
    return this.#end - this.#pos;
  }

  byte(): number {
    if (this.#pos >= this.#end) throw new DecodeError(`${this.#name}: unexpected end at byte ${this.#pos}`);
    return this.#buf[this.#pos++]!;
  }

  bytes(n: number): Uint8Array {
    if (n < 0 || this.#pos + n > this.#end) throw new DecodeError(`${this.#name}: ${n} bytes wanted at ${this.#pos}, ${this.#end - this.#pos} left`);
    const out = this.#buf.subarray(this.#pos, this.#pos + n);
    this.#pos += n;
    return out;
  }

  uvarint(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 8; i += 1) {
      const b = this.byte();
      value += (b & 0x7f) * scale;
      if (b < 0x80) {
        if (!Number.isSafeInteger(value)) break;
        return value;
      }
      scale *= 0x80;
    }
    throw new DecodeError(`${this.#name}: varint too long or too large at byte ${this.#pos}`);
  }

  svarint(): number {
    const u = this.uvarint();
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }

  string(): string {
    const n = this.uvarint();
    return Buffer.from(this.bytes(n)).toString('utf8');
  }
}

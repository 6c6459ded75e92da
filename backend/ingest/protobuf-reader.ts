// A minimal protobuf wire-format reader for the OTLP messages the backend decodes. Every read is bounds-checked;
// malformed input throws ProtobufError (answered 400), never reads past the buffer or loops.

export class ProtobufError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtobufError';
  }
}

export class ProtobufReader {
  readonly buf: Buffer;
  pos: number;
  readonly end: number;

  constructor(buf: Uint8Array, start = 0, end = buf.length) {
    this.buf = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
    this.pos = start;
    this.end = end;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** A varint as a JS number (exact up to 2^53; larger values lose low bits, fine for counts/enums). */
  varint(): number {
    let result = 0;
    let factor = 1;
    for (let i = 0; i < 10; i += 1) {
      if (this.pos >= this.end) throw new ProtobufError('truncated varint');
      const byte = this.buf[this.pos++]!;
      result += (byte & 0x7f) * factor;
      if ((byte & 0x80) === 0) return result;
      factor *= 128;
    }
    throw new ProtobufError('varint longer than 10 bytes');
  }

  /** A varint as a BigInt (int64 attribute values). */
  varintBig(): bigint {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i += 1) {
      if (this.pos >= this.end) throw new ProtobufError('truncated varint');
      const byte = this.buf[this.pos++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return BigInt.asIntN(64, result);
      shift += 7n;
    }
    throw new ProtobufError('varint longer than 10 bytes');
  }

  tag(): { field: number; wire: number } {
    const key = this.varint();
    const field = Math.floor(key / 8);
    if (field === 0) throw new ProtobufError('field number 0');
    return { field, wire: key & 7 };
  }

  /** fixed64 as an unsigned decimal string (nanosecond timestamps). */
  fixed64String(): string {
    this.#need(8);
    const value = this.buf.readBigUInt64LE(this.pos);
    this.pos += 8;
    return value.toString();
  }

  fixed32(): number {
    this.#need(4);
    const value = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return value;
  }

  double(): number {
    this.#need(8);
    const value = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return value;
  }

  /** The bounds [start, end) of a length-delimited field's content; advances past it. */
  span(): [number, number] {
    const length = this.varint();
    this.#need(length);
    const start = this.pos;
    this.pos += length;
    return [start, this.pos];
  }

  sub(): ProtobufReader {
    const [start, end] = this.span();
    return new ProtobufReader(this.buf, start, end);
  }

  string(): string {
    const length = this.varint();
    this.#need(length);
    const start = this.pos;
    this.pos += length;
    return this.buf.toString('utf8', start, this.pos);
  }

  bytesHex(): string {
    const length = this.varint();
    this.#need(length);
    const start = this.pos;
    this.pos += length;
    return this.buf.toString('hex', start, this.pos);
  }

  skip(wire: number): void {
    switch (wire) {
      case 0: this.varint(); return;
      case 1: this.#need(8); this.pos += 8; return;
      case 2: this.span(); return;
      case 5: this.#need(4); this.pos += 4; return;
      default: throw new ProtobufError(`unsupported wire type ${wire}`);
    }
  }

  #need(n: number): void {
    if (n < 0 || this.pos + n > this.end) throw new ProtobufError('truncated message');
  }
}

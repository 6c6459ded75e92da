// Frames on the wire: `binary` — COBS, delimited by 0x00 (also sent before each frame, so that line noise before it
// ends up in a separate, rejected chunk); `z85` / `base64` — one text line per frame, for an ASCII-only channel.
// WireDecoder splits a byte stream back into frames and resynchronises after garbage: an over-long run without a
// delimiter is discarded up to the next delimiter.
import { base64Decode, base64Encode, z85Decode, z85Encode } from './ascii.js';
import { cobsDecode, cobsEncode } from './cobs.js';
import { decodeFrame, encodeFrame, CRC_BYTES, HEADER_BYTES, type Frame, type FrameDecode } from './frame.js';

export type WireEncoding = 'binary' | 'z85' | 'base64';
export const WIRE_ENCODINGS: readonly WireEncoding[] = ['binary', 'z85', 'base64'];

const ZERO = Buffer.from([0]);
const NEWLINE = Buffer.from('\n');

export function encodeWire(frame: Frame, encoding: WireEncoding): Buffer {
  const bytes = encodeFrame(frame);
  if (encoding === 'binary') return Buffer.concat([ZERO, cobsEncode(bytes), ZERO]);
  const text = encoding === 'z85' ? z85Encode(bytes) : base64Encode(bytes);
  return Buffer.concat([NEWLINE, Buffer.from(text, 'latin1'), NEWLINE]);
}

/** Bytes on the wire for a frame carrying `payloadBytes` (worst case for binary). */
export function wireBytes(payloadBytes: number, encoding: WireEncoding): number {
  const frame = HEADER_BYTES + payloadBytes + CRC_BYTES;
  if (encoding === 'binary') return frame + Math.ceil(frame / 254) + 1 + 2;
  if (encoding === 'z85') return Math.ceil(frame / 4) * 5 + 2;
  return Math.ceil(frame / 3) * 4 + 2;
}

export class WireDecoder {
  readonly #encoding: WireEncoding;
  readonly #maxChunkBytes: number;
  readonly #delimiter: number;
  #parts: Buffer[] = [];
  #size = 0;
  #discarding = false;

  constructor(encoding: WireEncoding, maxPayloadBytes: number) {
    this.#encoding = encoding;
    this.#delimiter = encoding === 'binary' ? 0x00 : 0x0a;
    this.#maxChunkBytes = wireBytes(maxPayloadBytes, encoding) + 16;
  }

  /** Feeds received bytes; returns each complete frame (or reject) found so far. */
  push(chunk: Uint8Array): FrameDecode[] {
    const out: FrameDecode[] = [];
    let data = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    for (;;) {
      const at = data.indexOf(this.#delimiter);
      if (at < 0) {
        this.#append(data, out);
        return out;
      }
      this.#append(data.subarray(0, at), out);
      const wasDiscarding = this.#discarding;
      const whole = this.#parts.length === 1 ? this.#parts[0]! : Buffer.concat(this.#parts);
      this.#parts = [];
      this.#size = 0;
      this.#discarding = false;
      if (!wasDiscarding && whole.length > 0) out.push(this.#decode(whole));
      data = data.subarray(at + 1);
    }
  }

  #append(data: Buffer, out: FrameDecode[]): void {
    if (this.#discarding || data.length === 0) return;
    if (this.#size + data.length > this.#maxChunkBytes) {
      this.#parts = [];
      this.#size = 0;
      this.#discarding = true;
      out.push({ ok: false, reason: `no delimiter within ${this.#maxChunkBytes} bytes: discarding up to the next one` });
      return;
    }
    this.#parts.push(Buffer.from(data));
    this.#size += data.length;
  }

  #decode(chunk: Buffer): FrameDecode {
    if (this.#encoding === 'binary') {
      const cobs = cobsDecode(chunk);
      return cobs.ok ? decodeFrame(cobs.data) : cobs;
    }
    const text = chunk.toString('latin1').replace(/\r$/, '');
    const bytes = this.#encoding === 'z85' ? z85Decode(text) : base64Decode(text);
    return bytes.ok ? decodeFrame(bytes.data, this.#encoding === 'z85') : bytes;
  }
}

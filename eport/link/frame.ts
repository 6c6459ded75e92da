// A link frame (docs/eport.md "Link frame"): 16-byte header + payload + CRC-32, big-endian.
//   0 version · 1 type · 2 flags · 3 dictionary id · 4–7 boot id · 8–11 sequence · 12 fragment index ·
//   13 fragment count · 14–15 payload length · payload · CRC-32 (zlib) of everything before it.
// This module and wire.ts are the only ones that know the byte layout: the real ePort command set can replace them.
import { crc32 } from 'node:zlib';

export const LINK_VERSION = 1;
export const HEADER_BYTES = 16;
export const CRC_BYTES = 4;
export const MAX_FRAME_PAYLOAD_BYTES = 0xffff;

export const FrameType = Object.freeze({ DATA: 1, ACK: 2, NAK: 3 } as const);
export type FrameTypeName = keyof typeof FrameType;

/** NAK reasons (one payload byte). */
export const NakReason = Object.freeze({ BAD_FRAME: 1, BUSY: 2, TOO_LARGE: 3 } as const);

export interface Frame {
  type: number;
  flags: number;
  dictionaryId: number;
  bootId: number;
  sequence: number;
  fragmentIndex: number;
  fragmentCount: number;
  payload: Buffer;
}

export function encodeFrame(frame: Frame): Buffer {
  if (frame.payload.length > MAX_FRAME_PAYLOAD_BYTES) throw new RangeError(`frame payload of ${frame.payload.length} bytes is too large`);
  const out = Buffer.alloc(HEADER_BYTES + frame.payload.length + CRC_BYTES);
  out[0] = LINK_VERSION;
  out[1] = frame.type;
  out[2] = frame.flags & 0xff;
  out[3] = frame.dictionaryId & 0xff;
  out.writeUInt32BE(frame.bootId >>> 0, 4);
  out.writeUInt32BE(frame.sequence >>> 0, 8);
  out[12] = frame.fragmentIndex;
  out[13] = frame.fragmentCount;
  out.writeUInt16BE(frame.payload.length, 14);
  frame.payload.copy(out, HEADER_BYTES);
  out.writeUInt32BE(crc32(out.subarray(0, HEADER_BYTES + frame.payload.length)), HEADER_BYTES + frame.payload.length);
  return out;
}

export type FrameDecode = { ok: true; frame: Frame } | { ok: false; reason: string };

/**
 * Decodes a frame's bytes (after COBS/ASCII decoding). `allowTrailingZeros` accepts up to 3 zero pad bytes after
 * the CRC (Z85 pads to a multiple of 4).
 */
export function decodeFrame(bytes: Uint8Array, allowTrailingZeros = false): FrameDecode {
  if (bytes.length < HEADER_BYTES + CRC_BYTES) return { ok: false, reason: `frame of ${bytes.length} bytes is shorter than header + CRC` };
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf[0] !== LINK_VERSION) return { ok: false, reason: `unknown link version ${buf[0]}` };
  const length = buf.readUInt16BE(14);
  const end = HEADER_BYTES + length + CRC_BYTES;
  if (end > buf.length) return { ok: false, reason: `payload length ${length} runs past the frame (${buf.length} bytes)` };
  if (end < buf.length) {
    const extra = buf.subarray(end);
    if (!allowTrailingZeros || extra.length > 3 || extra.some((b) => b !== 0)) return { ok: false, reason: `${buf.length - end} bytes after the CRC` };
  }
  const expected = buf.readUInt32BE(HEADER_BYTES + length);
  if (crc32(buf.subarray(0, HEADER_BYTES + length)) !== expected) return { ok: false, reason: 'CRC mismatch' };
  const type = buf[1]!;
  if (type !== FrameType.DATA && type !== FrameType.ACK && type !== FrameType.NAK) return { ok: false, reason: `unknown frame type ${type}` };
  const fragmentIndex = buf[12]!, fragmentCount = buf[13]!;
  if (type === FrameType.DATA && (fragmentCount === 0 || fragmentIndex >= fragmentCount)) {
    return { ok: false, reason: `fragment ${fragmentIndex} of ${fragmentCount}` };
  }
  return {
    ok: true,
    frame: {
      type, flags: buf[2]!, dictionaryId: buf[3]!, bootId: buf.readUInt32BE(4), sequence: buf.readUInt32BE(8),
      fragmentIndex, fragmentCount, payload: Buffer.from(buf.subarray(HEADER_BYTES, HEADER_BYTES + length)),
    },
  };
}

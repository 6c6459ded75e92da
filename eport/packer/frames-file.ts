// A frames file: the byte stream the device would put on the serial line — DATA frames, one per payload, in the
// link's wire encoding. `eport pack` writes one; `eport unpack` reads one (or a single bare payload, as the
// simulator drops it).
import { FrameType } from '../link/frame.js';
import { encodeWire, WireDecoder, type WireEncoding } from '../link/wire.js';
import { PACKED_MAGIC } from './payload.js';

export function framesFile(payloads: readonly Buffer[], bootId: number, firstSequence: number, encoding: WireEncoding): Buffer {
  return Buffer.concat(payloads.map((payload, i) => encodeWire({
    type: FrameType.DATA, flags: 0, dictionaryId: payload[0] === PACKED_MAGIC ? (payload[2] ?? 0) : 0, bootId,
    sequence: (firstSequence + i) % 2 ** 32, fragmentIndex: 0, fragmentCount: 1, payload,
  }, encoding)));
}

/** Payloads of a frames file (any wire encoding), with the reasons of chunks that were not frames. */
export function readFramesFile(data: Buffer): { payloads: Buffer[]; rejects: string[] } {
  let best: { payloads: Buffer[]; rejects: string[] } = { payloads: [], rejects: [] };
  for (const encoding of ['binary', 'z85', 'base64'] as const) {
    const decoder = new WireDecoder(encoding, 64 * 1024);
    const results = [...decoder.push(data), ...decoder.push(Buffer.from(encoding === 'binary' ? [0] : [10]))];
    const payloads = results.flatMap((r) => (r.ok && r.frame.type === FrameType.DATA ? [r.frame.payload] : []));
    if (payloads.length > best.payloads.length) best = { payloads, rejects: results.flatMap((r) => (r.ok ? [] : [r.reason])) };
  }
  return best;
}

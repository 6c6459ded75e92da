// One ePort payload (≤ max_payload_bytes): what the ePort carries over cellular and the USAT server forwards.
// It is self-describing, because the backend sees only forwarded payloads:
//   packed  — binary, starts with 0xFA (docs/eport.md "Packed payload");
//   compact — PRD text lines, optionally led by a `#fleetlog` meta line (docs/eport.md "Compact payload").
import { deflateRawSync, inflateRawSync, constants as zc } from 'node:zlib';
import { ByteReader, ByteWriter, DecodeError } from './bytes.js';
import { dictionary, NO_DICTIONARY } from './dictionaries.js';
import { decodeBody } from './packed-body.js';
import type { EportEvent } from './event.js';

export const PACKED_MAGIC = 0xfa;
export const FLAG_DEFLATED = 0x01;
export const FLAG_AGGREGATED = 0x02;
export const FLAG_CUT = 0x04;
export const FLAG_SHORTENED = 0x08;
const KNOWN_FLAGS = FLAG_DEFLATED | FLAG_AGGREGATED | FLAG_CUT | FLAG_SHORTENED;
export const MAX_MACHINE_BYTES = 64;
/** An inflated body larger than this is refused (a deflate bomb in a 900-byte payload). */
const MAX_BODY_BYTES = 1024 * 1024;

export interface PayloadMeta {
  format: 'packed' | 'compact';
  machine: string;
  /** Boot/session id of the sender (u32) and the payload's sequence number in it (u32); undefined when unknown. */
  bootId?: number;
  sequence?: number;
  dictionaryId: number;
  deflated: boolean;
  /** Records represented by aggregates in this payload (0 when none). */
  aggregatedRecords: number;
  /** Records the budget forced out of this send (carried by the first payload of the send). */
  cutRecords: number;
  /** Records whose text was shortened or repaired to fit or to be valid UTF-8. */
  shortenedRecords: number;
  /** True only when every record is exactly as it was given (packed, nothing aggregated, cut or shortened). */
  lossless: boolean;
}

export interface LossCounts {
  aggregatedRecords: number;
  cutRecords: number;
  shortenedRecords: number;
}

export const NO_LOSS: LossCounts = Object.freeze({ aggregatedRecords: 0, cutRecords: 0, shortenedRecords: 0 });

export interface PackedHeader {
  machine: string;
  bootId: number;
  sequence: number;
  loss: LossCounts;
}

function writeHeader(h: PackedHeader, deflated: boolean, dictionaryId: number): Buffer {
  const w = new ByteWriter();
  let flags = deflated ? FLAG_DEFLATED : 0;
  if (h.loss.aggregatedRecords > 0) flags |= FLAG_AGGREGATED;
  if (h.loss.cutRecords > 0) flags |= FLAG_CUT;
  if (h.loss.shortenedRecords > 0) flags |= FLAG_SHORTENED;
  w.byte(PACKED_MAGIC);
  w.byte(flags);
  w.byte(deflated ? dictionaryId : NO_DICTIONARY);
  const ids = Buffer.alloc(8);
  ids.writeUInt32BE(h.bootId >>> 0, 0);
  ids.writeUInt32BE(h.sequence >>> 0, 4);
  w.bytes(ids);
  const machine = Buffer.from(h.machine, 'utf8');
  if (machine.length === 0 || machine.length > MAX_MACHINE_BYTES) throw new RangeError(`machine id must be 1–${MAX_MACHINE_BYTES} bytes`);
  w.byte(machine.length);
  w.bytes(machine);
  if (h.loss.aggregatedRecords > 0) w.uvarint(h.loss.aggregatedRecords);
  if (h.loss.cutRecords > 0) w.uvarint(h.loss.cutRecords);
  if (h.loss.shortenedRecords > 0) w.uvarint(h.loss.shortenedRecords);
  return w.toBuffer();
}

/**
 * The smallest of: the body as is, deflated without a dictionary, deflated with the current dictionary
 * (a dictionary is used per payload only when it helps).
 */
export function encodePackedPayload(h: PackedHeader, body: Buffer, dictionaryId: number): Buffer {
  let best = Buffer.concat([writeHeader(h, false, NO_DICTIONARY), body]);
  const options = { level: zc.Z_BEST_COMPRESSION, memLevel: 9 };
  const plain = deflateRawSync(body, options);
  const candidates: Array<[number, Buffer]> = [[NO_DICTIONARY, plain]];
  const dict = dictionary(dictionaryId);
  if (dict !== undefined) candidates.push([dictionaryId, deflateRawSync(body, { ...options, dictionary: dict })]);
  for (const [id, deflated] of candidates) {
    const header = writeHeader(h, true, id);
    if (header.length + deflated.length < best.length) best = Buffer.concat([header, deflated]);
  }
  return best;
}

export function decodePackedPayload(payload: Uint8Array): { meta: PayloadMeta; events: EportEvent[] } {
  const r = new ByteReader(payload, 'packed payload');
  if (r.byte() !== PACKED_MAGIC) throw new DecodeError('packed payload: bad magic byte');
  const flags = r.byte();
  if ((flags & ~KNOWN_FLAGS) !== 0) throw new DecodeError(`packed payload: unknown flags 0x${flags.toString(16)}`);
  const dictionaryId = r.byte();
  const ids = Buffer.from(r.bytes(8));
  const machineLen = r.byte();
  if (machineLen === 0 || machineLen > MAX_MACHINE_BYTES) throw new DecodeError(`packed payload: machine id length ${machineLen}`);
  const machine = Buffer.from(r.bytes(machineLen)).toString('utf8');
  const aggregatedRecords = (flags & FLAG_AGGREGATED) !== 0 ? r.uvarint() : 0;
  const cutRecords = (flags & FLAG_CUT) !== 0 ? r.uvarint() : 0;
  const shortenedRecords = (flags & FLAG_SHORTENED) !== 0 ? r.uvarint() : 0;
  const rest = r.bytes(r.remaining);
  let body: Uint8Array = rest;
  const deflated = (flags & FLAG_DEFLATED) !== 0;
  if (deflated) {
    let dict: Buffer | undefined;
    if (dictionaryId !== NO_DICTIONARY) {
      dict = dictionary(dictionaryId);
      if (dict === undefined) throw new DecodeError(`packed payload: unknown dictionary id ${dictionaryId}`);
    }
    try {
      body = inflateRawSync(rest, { maxOutputLength: MAX_BODY_BYTES, ...(dict ? { dictionary: dict } : {}) });
    } catch (error) {
      throw new DecodeError(`packed payload: inflate failed (${(error as Error).message})`);
    }
  } else if (dictionaryId !== NO_DICTIONARY) {
    throw new DecodeError('packed payload: dictionary id set on a body that is not deflated');
  }
  const events = decodeBody(body, machine);
  const meta: PayloadMeta = {
    format: 'packed', machine, bootId: ids.readUInt32BE(0), sequence: ids.readUInt32BE(4), dictionaryId, deflated,
    aggregatedRecords, cutRecords, shortenedRecords,
    lossless: aggregatedRecords === 0 && cutRecords === 0 && shortenedRecords === 0,
  };
  return { meta, events };
}

// Reads one payload of either format back into events, with what its header says about it. Never throws on bad
// input: a payload that cannot be read comes back as a reject with a reason (the backend files it under rejected/).
import { DecodeError } from './bytes.js';
import { parseCompactLine } from './compact.js';
import type { EportEvent } from './event.js';
import { decodePackedPayload, PACKED_MAGIC, type PayloadMeta } from './payload.js';

export type UnpackResult =
  | { ok: true; meta: PayloadMeta; events: EportEvent[] }
  | { ok: false; reason: string };

const META_LINE = /^#fleetlog v1((?: [a-z]+=\S*)*)\s*$/;

function parseMetaLine(line: string): Partial<PayloadMeta> | string {
  const m = META_LINE.exec(line);
  if (!m) return `unknown meta line ${JSON.stringify(line.slice(0, 40))}`;
  const out: Partial<PayloadMeta> = {};
  for (const pair of m[1]!.trim().split(' ').filter(Boolean)) {
    const [key, value = ''] = pair.split('=') as [string, string?];
    if (key === 'machine') out.machine = value;
    else if (key === 'boot') {
      if (!/^[0-9a-f]{1,8}$/.test(value)) return `bad boot id ${JSON.stringify(value.slice(0, 20))}`;
      out.bootId = parseInt(value, 16);
    } else if (key === 'seq' || key === 'agg' || key === 'cut' || key === 'short') {
      if (!/^\d{1,10}$/.test(value) || Number(value) >= 2 ** 32) return `bad ${key} ${JSON.stringify(value.slice(0, 20))}`;
      const n = Number(value);
      if (key === 'seq') out.sequence = n;
      else if (key === 'agg') out.aggregatedRecords = n;
      else if (key === 'cut') out.cutRecords = n;
      else out.shortenedRecords = n;
    }
  }
  return out;
}

/** A compact payload: optional `#fleetlog` meta line, then PRD lines (the year comes from receivedAtMs). */
export function unpackCompact(text: string, receivedAtMs: number): UnpackResult {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  let head: Partial<PayloadMeta> = {};
  if (lines[0]?.startsWith('#')) {
    const parsed = parseMetaLine(lines.shift()!);
    if (typeof parsed === 'string') return { ok: false, reason: parsed };
    head = parsed;
  }
  const events: EportEvent[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const parsed = parseCompactLine(line, receivedAtMs);
    if (!parsed.ok) return { ok: false, reason: `line ${i + 1}: ${parsed.reason}` };
    events.push(parsed.event);
  }
  const machine = head.machine ?? events[0]?.machine;
  if (machine === undefined) return { ok: false, reason: 'compact payload has no machine id and no lines' };
  const aggregatedRecords = head.aggregatedRecords ?? 0, cutRecords = head.cutRecords ?? 0, shortenedRecords = head.shortenedRecords ?? 0;
  const meta: PayloadMeta = {
    format: 'compact', machine, dictionaryId: 0, deflated: false, aggregatedRecords, cutRecords, shortenedRecords, lossless: false,
  };
  if (head.bootId !== undefined) meta.bootId = head.bootId;
  if (head.sequence !== undefined) meta.sequence = head.sequence;
  return { ok: true, meta, events };
}

/** Either format, by the first byte (0xFA = packed). */
export function unpack(payload: Uint8Array, receivedAtMs: number = Date.now()): UnpackResult {
  if (payload.length === 0) return { ok: false, reason: 'empty payload' };
  if (payload[0] === PACKED_MAGIC) {
    try {
      const { meta, events } = decodePackedPayload(payload);
      if (meta.lossless && events.some((e) => e.count !== undefined)) meta.lossless = false;
      return { ok: true, meta, events };
    } catch (error) {
      if (error instanceof DecodeError) return { ok: false, reason: error.message };
      return { ok: false, reason: `packed payload: ${(error as Error).message}` };
    }
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(payload);
  } catch {
    return { ok: false, reason: 'not a packed payload (first byte is not 0xFA) and not UTF-8 text' };
  }
  return unpackCompact(text, receivedAtMs);
}

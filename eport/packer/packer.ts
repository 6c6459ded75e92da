// Packs events into ePort payloads of at most maxPayloadBytes each, as full as possible, CRITICAL first.
// Lossless (format `packed`) unless a byte budget for the whole send forces otherwise; then, in this order:
// aggregate identical component+message into one record with a count and first/last time, then cut the
// lowest-priority records (newest first) — always counted in the payload headers, never silently (docs/eport.md).
import { SEVERITY } from '../../collector/component/index.js';
import { formatCompactLine } from './compact.js';
import { CURRENT_DICTIONARY_ID } from './dictionaries.js';
import type { EportEvent } from './event.js';
import { encodeBody } from './packed-body.js';
import { encodePackedPayload, NO_LOSS, MAX_MACHINE_BYTES, type LossCounts, type PackedHeader } from './payload.js';

export type PackFormat = 'packed' | 'compact';
export const DEFAULT_MAX_PAYLOAD_BYTES = 900;
export const MIN_MAX_PAYLOAD_BYTES = 160;
const U32 = 2 ** 32;

export interface PackOptions {
  format?: PackFormat;
  maxPayloadBytes?: number;
  /** Budget for the sum of all payload bytes of this send; undefined = no limit (always lossless for `packed`). */
  maxTotalBytes?: number;
  /** Boot/session id written into every payload (u32). */
  bootId?: number;
  /** Sequence number of the first payload; the next ones count up (u32, wrapping). */
  firstSequence?: number;
  dictionaryId?: number;
}

export interface PackResult {
  payloads: Buffer[];
  /** Records given. */
  records: number;
  payloadBytes: number;
  /** True only if every given record is carried exactly (packed format, nothing aggregated, cut or shortened). */
  lossless: boolean;
  loss: LossCounts;
}

interface Ctx {
  format: PackFormat;
  maxPayloadBytes: number;
  dictionaryId: number;
  bootId: number;
  sequence: number;
}

function priority(event: EportEvent): number {
  return event.severityNumber >= SEVERITY.CRITICAL ? 1 : 0;
}

/** CRITICAL first (stable), then the rest in the order given. */
function criticalFirst(events: readonly EportEvent[]): EportEvent[] {
  return [...events.filter((e) => priority(e) === 1), ...events.filter((e) => priority(e) === 0)];
}

function truncateUtf8(text: string, maxBytes: number): string {
  let out = '';
  let bytes = 0;
  for (const ch of text) {
    const n = Buffer.byteLength(ch);
    if (bytes + n > maxBytes) break;
    out += ch;
    bytes += n;
  }
  return out;
}

function wellFormed(event: EportEvent): boolean {
  const strings: string[] = [event.machine, event.component, event.message];
  const visit = (v: unknown): void => {
    if (typeof v === 'string') strings.push(v);
    else if (Array.isArray(v)) v.forEach(visit);
    else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) { strings.push(k); visit(x); }
  };
  visit(event.context);
  return strings.every((s) => Buffer.from(s, 'utf8').toString('utf8') === s);
}

function repaired(event: EportEvent): EportEvent {
  return JSON.parse(Buffer.from(JSON.stringify(event), 'utf8').toString('utf8')) as EportEvent;
}

function header(ctx: Ctx, machine: string, loss: LossCounts, index: number): PackedHeader {
  return { machine, bootId: ctx.bootId, sequence: (ctx.sequence + index) % U32, loss };
}

function encodePacked(ctx: Ctx, machine: string, slice: readonly EportEvent[], loss: LossCounts, index: number): Buffer {
  return encodePackedPayload(header(ctx, machine, loss, index), encodeBody(slice), ctx.dictionaryId);
}

export function compactMetaLine(h: PackedHeader): string {
  let line = `#fleetlog v1 machine=${h.machine.replace(/\s/g, '_')} boot=${(h.bootId >>> 0).toString(16).padStart(8, '0')} seq=${h.sequence >>> 0}`;
  if (h.loss.aggregatedRecords > 0) line += ` agg=${h.loss.aggregatedRecords}`;
  if (h.loss.cutRecords > 0) line += ` cut=${h.loss.cutRecords}`;
  if (h.loss.shortenedRecords > 0) line += ` short=${h.loss.shortenedRecords}`;
  return line;
}

function encodeCompact(ctx: Ctx, machine: string, slice: readonly EportEvent[], loss: LossCounts, index: number): Buffer {
  const lines = [compactMetaLine(header(ctx, machine, loss, index)), ...slice.map(formatCompactLine)];
  return Buffer.from(lines.join('\n'), 'utf8');
}

function lossOf(slice: readonly EportEvent[], shortened: number, cut: number): LossCounts {
  let aggregatedRecords = 0;
  for (const e of slice) if (e.count !== undefined) aggregatedRecords += e.count;
  return { aggregatedRecords, cutRecords: cut, shortenedRecords: shortened };
}

interface Item { event: EportEvent; shortened: boolean }

/** Makes a single event fit an otherwise empty payload: shorter message, then no context. */
function shrink(ctx: Ctx, machine: string, event: EportEvent, index: number): EportEvent {
  const encode = ctx.format === 'packed' ? encodePacked : encodeCompact;
  const fits = (e: EportEvent): boolean => encode(ctx, machine, [e], lossOf([e], 1, 1), index).length <= ctx.maxPayloadBytes;
  const attempts: EportEvent[] = [];
  for (const bytes of [512, 256, 128]) attempts.push({ ...event, message: truncateUtf8(event.message, bytes) });
  const bare: EportEvent = { ...event, message: truncateUtf8(event.message, 64), component: truncateUtf8(event.component, 32) };
  delete bare.context;
  attempts.push(bare);
  for (const attempt of attempts) if (fits(attempt)) return attempt;
  throw new RangeError(`max payload ${ctx.maxPayloadBytes} bytes cannot hold even one shortened record`);
}

/** Splits one machine's events into payloads, each as full as the budget allows. */
function fill(ctx: Ctx, machine: string, events: readonly EportEvent[], cut: number): { payloads: Buffer[]; loss: LossCounts } {
  const encode = ctx.format === 'packed' ? encodePacked : encodeCompact;
  const items: Item[] = events.map((event) => (wellFormed(event) ? { event, shortened: false } : { event: repaired(event), shortened: true }));
  const payloads: Buffer[] = [];
  const total = { aggregatedRecords: 0, cutRecords: cut, shortenedRecords: 0 };
  let start = 0;
  let guess = 64;
  const build = (k: number): Buffer => {
    const slice = items.slice(start, start + k);
    const events = slice.map((i) => i.event);
    const shortened = slice.filter((i) => i.shortened).length;
    return encode(ctx, machine, events, lossOf(events, shortened, payloads.length === 0 ? cut : 0), payloads.length);
  };
  while (start < items.length) {
    const left = items.length - start;
    let lo = 0; // largest count known to fit
    let hi = left + 1; // smallest count known not to fit
    let best: Buffer | undefined;
    let k = Math.min(guess, left);
    while (hi - lo > 1) {
      const payload = build(k);
      if (payload.length <= ctx.maxPayloadBytes) {
        lo = k;
        best = payload;
      } else {
        hi = k;
      }
      k = hi > left ? Math.min(left, lo * 2) : Math.floor((lo + hi) / 2);
      if (k <= lo) k = lo + 1;
      if (k >= hi) break;
    }
    if (lo === 0) {
      items[start] = { event: shrink(ctx, machine, items[start]!.event, payloads.length), shortened: true };
      continue;
    }
    const slice = items.slice(start, start + lo);
    const sliceLoss = lossOf(slice.map((i) => i.event), slice.filter((i) => i.shortened).length, 0);
    total.aggregatedRecords += sliceLoss.aggregatedRecords;
    total.shortenedRecords += sliceLoss.shortenedRecords;
    payloads.push(best!);
    start += lo;
    guess = lo;
  }
  if (payloads.length === 0 && cut > 0) payloads.push(encode(ctx, machine, [], lossOf([], 0, cut), 0));
  return { payloads, loss: total };
}

const groupKey = (e: EportEvent): string => `${e.severityNumber}\u0000${e.component}\u0000${e.message}`;

function groupsOf(events: readonly EportEvent[]): Map<string, EportEvent[]> {
  const groups = new Map<string, EportEvent[]>();
  for (const e of events) {
    const key = groupKey(e);
    const group = groups.get(key);
    if (group) group.push(e);
    else groups.set(key, [e]);
  }
  return groups;
}

/**
 * Identical severity+component+message become one aggregate with a count and first/last time — every such group,
 * or only the groups named in `only` (keys from `foldOrder`); the other records stay as they are.
 */
export function aggregate(events: readonly EportEvent[], only?: ReadonlySet<string>): EportEvent[] {
  const out: EportEvent[] = [];
  for (const [key, group] of groupsOf(events)) {
    const first = group[0]!;
    if ((group.length === 1 && first.count === undefined) || (only !== undefined && !only.has(key))) {
      out.push(...group);
      continue;
    }
    let count = 0, firstMs = Infinity, lastMs = -Infinity;
    for (const e of group) {
      count += e.count ?? 1;
      firstMs = Math.min(firstMs, e.timeMs);
      lastMs = Math.max(lastMs, e.lastTimeMs ?? e.timeMs);
    }
    out.push({ timeMs: firstMs, machine: first.machine, severityNumber: first.severityNumber, component: first.component, message: first.message, count, lastTimeMs: lastMs });
  }
  return out.sort((a, b) => a.timeMs - b.timeMs);
}

/** The groups worth folding (more than one record), in the order they are folded: lowest level first, then largest. */
function foldOrder(events: readonly EportEvent[]): string[] {
  return [...groupsOf(events)].filter(([, g]) => g.length > 1)
    .sort(([, a], [, b]) => a[0]!.severityNumber - b[0]!.severityNumber || b.length - a.length)
    .map(([key]) => key);
}

/** Records to cut first: lowest severity, then newest. */
function cutOrder(events: readonly EportEvent[]): EportEvent[] {
  return [...events].sort((a, b) => a.severityNumber - b.severityNumber || b.timeMs - a.timeMs);
}

function sizeOf(payloads: readonly Buffer[]): number {
  return payloads.reduce((n, p) => n + p.length, 0);
}

function packMachine(ctx: Ctx, machine: string, events: readonly EportEvent[], maxTotalBytes: number | undefined): { payloads: Buffer[]; loss: LossCounts } {
  const lossless = fill(ctx, machine, criticalFirst(events), 0);
  if (maxTotalBytes === undefined || sizeOf(lossless.payloads) <= maxTotalBytes) return lossless;
  // aggregate group by group (lowest level, then largest group first): the fewest groups that make it fit
  const groups = foldOrder(events);
  let fewest: { payloads: Buffer[]; loss: LossCounts } | undefined;
  for (let lo = 1, hi = groups.length; lo <= hi;) {
    const mid = Math.floor((lo + hi) / 2);
    const attempt = fill(ctx, machine, criticalFirst(aggregate(events, new Set(groups.slice(0, mid)))), 0);
    if (sizeOf(attempt.payloads) <= maxTotalBytes) {
      fewest = attempt;
      hi = mid - 1;
    } else {
      lo = mid + 1;
    }
  }
  if (fewest !== undefined) return fewest;
  const aggregated = aggregate(events);
  // cut: find the fewest records to drop (binary search over the cut order)
  const order = cutOrder(aggregated);
  const recordsIn = (list: readonly EportEvent[]): number => list.reduce((n, e) => n + (e.count ?? 1), 0);
  let lo = 0, hi = order.length;
  let best: { payloads: Buffer[]; loss: LossCounts } | undefined;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    const dropped = new Set(order.slice(0, mid));
    const kept = aggregated.filter((e) => !dropped.has(e));
    const attempt = fill(ctx, machine, criticalFirst(kept), recordsIn(order.slice(0, mid)));
    if (sizeOf(attempt.payloads) <= maxTotalBytes) {
      best = attempt;
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  if (best === undefined || lo === order.length) {
    // not even one record fits: a header-only payload still says how many were cut (never silent)
    return fill(ctx, machine, [], recordsIn(aggregated));
  }
  return best;
}

/** Packs events (any machines; one run of payloads per machine, in order of first appearance). */
export function pack(events: readonly EportEvent[], options: PackOptions = {}): PackResult {
  const ctx: Ctx = {
    format: options.format ?? 'packed',
    maxPayloadBytes: options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES,
    dictionaryId: options.dictionaryId ?? CURRENT_DICTIONARY_ID,
    bootId: (options.bootId ?? 0) >>> 0,
    sequence: (options.firstSequence ?? 0) % U32,
  };
  if (ctx.maxPayloadBytes < MIN_MAX_PAYLOAD_BYTES) throw new RangeError(`max payload must be at least ${MIN_MAX_PAYLOAD_BYTES} bytes`);
  const byMachine = new Map<string, EportEvent[]>();
  for (const e of events) {
    if (Buffer.byteLength(e.machine) === 0 || Buffer.byteLength(e.machine) > MAX_MACHINE_BYTES) {
      throw new RangeError(`machine id ${JSON.stringify(e.machine.slice(0, 80))} must be 1–${MAX_MACHINE_BYTES} bytes`);
    }
    const list = byMachine.get(e.machine);
    if (list) list.push(e);
    else byMachine.set(e.machine, [e]);
  }
  const payloads: Buffer[] = [];
  const loss = { ...NO_LOSS };
  let budget = options.maxTotalBytes;
  for (const [machine, list] of byMachine) {
    const result = packMachine({ ...ctx, sequence: (ctx.sequence + payloads.length) % U32 }, machine, list, budget);
    payloads.push(...result.payloads);
    loss.aggregatedRecords += result.loss.aggregatedRecords;
    loss.cutRecords += result.loss.cutRecords;
    loss.shortenedRecords += result.loss.shortenedRecords;
    if (budget !== undefined) budget = Math.max(0, budget - sizeOf(result.payloads));
  }
  return {
    payloads,
    records: events.length,
    payloadBytes: sizeOf(payloads),
    lossless: ctx.format === 'packed' && loss.aggregatedRecords === 0 && loss.cutRecords === 0 && loss.shortenedRecords === 0,
    loss,
  };
}

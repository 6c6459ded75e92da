// The PRD's transmission schedule as pure functions over one batch the host hands over: which records go
// (immediate levels, batch levels), what the daily summary says, and how the payloads fit the daily byte budget
// (immediate records and the summary always; batch levels within what is left — aggregated, then cut, both
// counted in the frames; with nothing left, a header-only payload still reports how many were cut).
// Nothing is held back for a later day: the host's queue is in order, and a batch held back would hold back the
// CRITICAL records queued behind it.
import { levelOfSeverity, type LevelName } from '../../../collector/component/index.js';
import type { EportEvent, JsonValue } from '../../../eport/packer/event.js';
import { pack, type PackFormat } from '../../../eport/packer/packer.js';
import { NO_LOSS, type LossCounts } from '../../../eport/packer/payload.js';

export interface DayCounts {
  /** UTC day `YYYY-MM-DD`. */
  day: string;
  records: number;
  byLevel: Record<string, number>;
  byComponent: Record<string, number>;
  transactions: number;
  transactionCents: number;
}

export interface ScheduleOptions {
  immediateLevels: ReadonlySet<LevelName>;
  batchLevels: ReadonlySet<LevelName>;
  transactionComponent: string;
  transactionMessage: string;
  amountKey: string;
}

export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function emptyDay(day: string): DayCounts {
  return { day, records: 0, byLevel: {}, byComponent: {}, transactions: 0, transactionCents: 0 };
}

export function countInto(counts: DayCounts, events: readonly EportEvent[], options: ScheduleOptions): void {
  for (const e of events) {
    counts.records += 1;
    const level = levelOfSeverity(e.severityNumber) ?? 'UNSPECIFIED';
    counts.byLevel[level] = (counts.byLevel[level] ?? 0) + 1;
    counts.byComponent[e.component] = (counts.byComponent[e.component] ?? 0) + 1;
    if (e.component === options.transactionComponent && e.message === options.transactionMessage) {
      counts.transactions += 1;
      const amount = e.context?.[options.amountKey];
      if (typeof amount === 'number' && Number.isFinite(amount)) counts.transactionCents += amount;
    }
  }
}

/** The daily summary record: the PRD's `VM001|0122-1440|I|txn|47 completed $142.35`, with the counts as context. */
export function summaryEvent(counts: DayCounts, machine: string, timeMs: number, options: ScheduleOptions): EportEvent {
  const context: Record<string, JsonValue> = {
    summary: 'daily', day: counts.day, records: counts.records, levels: { ...counts.byLevel }, components: { ...counts.byComponent },
  };
  return {
    timeMs, machine, severityNumber: 9, component: options.transactionComponent,
    message: `${counts.transactions} completed $${(counts.transactionCents / 100).toFixed(2)}`,
    context,
  };
}

export interface Selection {
  immediate: EportEvent[];
  windowed: EportEvent[];
  /** Records of other levels: counted for the summary, not sent. */
  notSent: number;
}

export function selectEvents(events: readonly EportEvent[], options: ScheduleOptions): Selection {
  const out: Selection = { immediate: [], windowed: [], notSent: 0 };
  for (const e of events) {
    const level = levelOfSeverity(e.severityNumber);
    if (level !== undefined && options.immediateLevels.has(level)) out.immediate.push(e);
    else if (level !== undefined && options.batchLevels.has(level)) out.windowed.push(e);
    else out.notSent += 1;
  }
  return out;
}

export interface PlanInput {
  selection: Selection;
  summary?: EportEvent;
  /** Budget left today for batch levels (Infinity = no limit); immediate records and the summary do not use it. */
  batchBytesLeft: number;
  format: PackFormat;
  maxPayloadBytes: number;
  bootId: number;
  firstSequence: number;
}

export interface Plan {
  payloads: Buffer[];
  bytes: number;
  /** Of those, the bytes of batch-level payloads (what the daily budget counts). */
  batchBytes: number;
  loss: LossCounts;
  sentRecords: number;
}

export function planPayloads(input: PlanInput): Plan {
  const { selection } = input;
  const always = input.summary === undefined ? selection.immediate : [input.summary, ...selection.immediate];
  const base = { format: input.format, maxPayloadBytes: input.maxPayloadBytes, bootId: input.bootId };
  const first = always.length > 0 ? pack(always, { ...base, firstSequence: input.firstSequence }) : undefined;
  const firstPayloads = first?.payloads ?? [];
  if (selection.windowed.length === 0) {
    return { payloads: firstPayloads, bytes: first?.payloadBytes ?? 0, batchBytes: 0, loss: first?.loss ?? NO_LOSS, sentRecords: always.length };
  }
  const left = input.batchBytesLeft;
  const second = pack(selection.windowed, {
    ...base, firstSequence: (input.firstSequence + firstPayloads.length) % 2 ** 32,
    ...(Number.isFinite(left) ? { maxTotalBytes: Math.max(0, left) } : {}),
  });
  const payloads = [...firstPayloads, ...second.payloads];
  const loss = {
    aggregatedRecords: (first?.loss.aggregatedRecords ?? 0) + second.loss.aggregatedRecords,
    cutRecords: (first?.loss.cutRecords ?? 0) + second.loss.cutRecords,
    shortenedRecords: (first?.loss.shortenedRecords ?? 0) + second.loss.shortenedRecords,
  };
  return { payloads, bytes: payloads.reduce((n, p) => n + p.length, 0), batchBytes: second.payloadBytes, loss, sentRecords: always.length + selection.windowed.length };
}

const DAY_MS = 86_400_000;
/** The pacing runs one window (the default batch.max_age) ahead, so the day's last window can use the day's rest. */
export const PACING_LEAD_MS = 3_600_000;

/**
 * What batch levels may use in a send at `nowMs`: the day's batch budget accrues evenly over the UTC day (plus
 * `leadMs`), minus what was used today. Quiet hours bank their share for later ones; a busy hour cannot spend the
 * evening's share, so the budget is spread over the day — aggregated a little everywhere instead of cut at night.
 */
export function batchAllowance(dayBudgetBytes: number, usedTodayBytes: number, nowMs: number, leadMs = 0): number {
  if (!Number.isFinite(dayBudgetBytes)) return Infinity;
  const intoDayMs = nowMs - Math.floor(nowMs / DAY_MS) * DAY_MS;
  return Math.max(0, Math.floor(dayBudgetBytes * Math.min(1, (intoDayMs + leadMs) / DAY_MS)) - usedTodayBytes);
}

// ePort link figures (docs/benchmarks.md "ePort link"):
//   1. records per 900-byte payload on ≥ 10,000 simulated vending records (unique transaction ids, varying amounts),
//      for every format: packed (deflate + preset dictionary, lossless), packed without the dictionary, the PRD
//      compact lines, and plain PRD JSON lines;
//   2. cellular payload bytes per machine per day at the PRD load (1,000 logs/hour, 20 % WARN or above) with the
//      exporter's default schedule (its host defaults: batch.max_age 1h closed at once by a CRITICAL record; ERROR/WARN
//      within max_bytes_per_day 35,000, paced over the day, INFO/DEBUG in the daily summary), through the exporter's
//      own planning code;
//   3. packing speed.
//   node --import tsx bench/eport-density.ts [--records 20000] [--days 3]
import { parseArgs } from 'node:util';
import { SEVERITY } from '../collector/component/index.js';
import { VendingSimulator } from '../demo/vending-simulator.js';
import { eventFromEntry, type EportEvent } from '../eport/packer/event.js';
import { pack, type PackOptions } from '../eport/packer/packer.js';
import { unpack } from '../eport/packer/unpack.js';
import { wireBytes } from '../eport/link/wire.js';
import { batchAllowance, countInto, emptyDay, PACING_LEAD_MS, planPayloads, selectEvents, summaryEvent, utcDay, type ScheduleOptions } from '../plugins/exporters/eport/schedule.js';

const { values } = parseArgs({ options: { records: { type: 'string', default: '20000' }, days: { type: 'string', default: '3' } } });
const RECORDS = Number(values.records);
const DAYS = Number(values.days);
const BENCH_SEED = 4242;
const RESERVED = 3_000; // the exporter's default reserved_bytes_per_day // the dictionary was trained on seed 7: the bench corpus is unseen text

function density(label: string, events: readonly EportEvent[], options: PackOptions): string {
  const started = process.hrtime.bigint();
  const result = pack(events, options);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  let back = 0;
  for (const p of result.payloads) {
    const r = unpack(p);
    if (!r.ok) throw new Error(r.reason);
    back += r.events.length;
  }
  if (back !== events.length) throw new Error(`${label}: ${back} of ${events.length} records came back`);
  const perPayload = events.length / result.payloads.length;
  return `| ${label} | ${events.length.toLocaleString('en')} | ${result.payloads.length} | ${perPayload.toFixed(1)} | ${(result.payloadBytes / events.length).toFixed(2)} | ${result.lossless ? 'yes' : 'no'} | ${Math.round(events.length / (ms / 1000)).toLocaleString('en')} |`;
}

function jsonLinesPerPayload(events: readonly EportEvent[]): number {
  let payloads = 0, size = 0;
  for (const e of events) {
    const line = Buffer.byteLength(JSON.stringify({ timestamp: new Date(e.timeMs).toISOString(), machine_id: e.machine, level: 'INFO', component: e.component, message: e.message, context: e.context })) + 1;
    if (size + line > 900) { payloads += 1; size = 0; }
    size += line;
  }
  return events.length / (payloads + 1);
}

const all = new VendingSimulator({ seed: BENCH_SEED }).take(RECORDS).map(eventFromEntry);
const warnPlus = all.filter((e) => e.severityNumber >= SEVERITY.WARN);
console.log(`## Records per 900-byte payload (${RECORDS.toLocaleString('en')} simulated records, seed ${BENCH_SEED})\n`);
console.log('| format | records | payloads | records / payload | bytes / record | lossless | records/s packed |');
console.log('| --- | ---: | ---: | ---: | ---: | --- | ---: |');
console.log(density('packed, all levels', all, {}));
console.log(density('packed, WARN+ only (what is sent)', warnPlus, {}));
console.log(density('packed without dictionary', all, { dictionaryId: 0 }));
console.log(density('compact (PRD lines)', all, { format: 'compact' }));
console.log(`| PRD JSON lines (no packing) | ${all.length.toLocaleString('en')} | – | ${jsonLinesPerPayload(all).toFixed(1)} | – | yes | – |`);

// ---- cellular bytes per day with the default schedule ----
const schedule: ScheduleOptions = {
  immediateLevels: new Set(['CRITICAL']), batchLevels: new Set(['ERROR', 'WARN']),
  transactionComponent: 'txn', transactionMessage: 'Transaction completed', amountKey: 'amount_cents',
};

interface DayResult { day: string; records: number; warnPlus: number; critical: number; payloads: number; bytes: number; wire: number; aggregated: number; cut: number }

/**
 * One device for `days` days, batched the way the host's send loop does it (collector/delivery/send-loop.ts): a batch
 * starts with its first record and is sent `maxAgeMs` later, or at once when a record at or above `flushSeverity`
 * joins it (it then ends with that record), or when it holds `maxRecords`. 'prd' is the eport exporter's own host
 * defaults (max_age 1h, flush_severity CRITICAL, max_records 10,000); 'hourly' the same without the early close;
 * 'five-minutes' max_age 5m without it.
 */
function simulateDays(days: number, budget: number, mode: 'prd' | 'hourly' | 'five-minutes', pace: boolean): DayResult[] {
  const maxAgeMs = mode === 'five-minutes' ? 300_000 : 3_600_000;
  const flushSeverity = mode === 'prd' ? SEVERITY.CRITICAL : Infinity;
  const maxRecords = 10_000;
  const sim = new VendingSimulator({ seed: BENCH_SEED + 1, logsPerHour: 1_000, warnShare: 0.2 });
  const start = Date.parse('2026-01-22T00:00:00Z');
  const out: DayResult[] = [];
  let counts = emptyDay(utcDay(start));
  let pendingSummary: EportEvent | undefined;
  let batchBytesToday = 0;
  let sequence = 0;
  let day: DayResult = { day: counts.day, records: 0, warnPlus: 0, critical: 0, payloads: 0, bytes: 0, wire: 0, aggregated: 0, cut: 0 };
  const send = (events: EportEvent[], nowMs: number): void => {
    if (utcDay(nowMs) !== counts.day) {
      out.push(day);
      pendingSummary = summaryEvent(counts, 'VM001', nowMs, schedule);
      counts = emptyDay(utcDay(nowMs));
      batchBytesToday = 0;
      day = { day: counts.day, records: 0, warnPlus: 0, critical: 0, payloads: 0, bytes: 0, wire: 0, aggregated: 0, cut: 0 };
    }
    const plan = planPayloads({
      selection: selectEvents(events, schedule), ...(pendingSummary ? { summary: pendingSummary } : {}), batchBytesLeft: pace ? batchAllowance(budget - RESERVED, batchBytesToday, nowMs, PACING_LEAD_MS) : budget - RESERVED - batchBytesToday,
      format: 'packed', maxPayloadBytes: 900, bootId: 1, firstSequence: sequence,
    });
    pendingSummary = undefined;
    countInto(counts, events, schedule);
    sequence += plan.payloads.length;
    batchBytesToday += plan.batchBytes;
    day.payloads += plan.payloads.length;
    day.bytes += plan.bytes;
    day.wire += plan.payloads.reduce((n, p) => n + wireBytes(p.length, 'binary'), 0);
    day.aggregated += plan.loss.aggregatedRecords;
    day.cut += plan.loss.cutRecords;
  };
  let batch: EportEvent[] = [];
  let closesAtMs = Infinity;
  const end = start + days * 86_400_000;
  for (;;) {
    const e = eventFromEntry(sim.next());
    if (e.timeMs >= closesAtMs) {
      send(batch, closesAtMs);
      batch = [];
      closesAtMs = Infinity;
    }
    if (e.timeMs >= end) break;
    day.records += 1;
    if (e.severityNumber >= SEVERITY.WARN) day.warnPlus += 1;
    if (e.severityNumber >= SEVERITY.CRITICAL) day.critical += 1;
    batch.push(e);
    if (batch.length === 1) closesAtMs = e.timeMs + maxAgeMs;
    if (e.severityNumber >= flushSeverity || batch.length >= maxRecords) {
      send(batch, e.timeMs);
      batch = [];
      closesAtMs = Infinity;
    }
  }
  out.push(day);
  return out.slice(0, days);
}

console.log(`\n## Cellular payload bytes per machine per day (PRD load: 1,000 logs/h, 20 % WARN+; ${DAYS} simulated days)\n`);
console.log('| schedule | budget (bytes/day) | day | records | WARN+ | CRITICAL | payloads | payload bytes | serial bytes | records aggregated | records cut |');
console.log('| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
const runs = [
  ['prd', true, 'eport defaults: max_age 1h, flush_severity CRITICAL; pace_budget', [35_000, Infinity]],
  ['prd', false, 'the same with pace_budget: false', [35_000]],
  ['hourly', true, 'max_age 1h, no flush_severity; pace_budget', [35_000, Infinity]],
  ['five-minutes', true, 'max_age 5m, no flush_severity; pace_budget', [35_000, Infinity]],
] as const;
for (const [mode, pace, label, budgets] of runs) {
  for (const budget of budgets) {
    for (const d of simulateDays(DAYS, budget, mode, pace)) {
      console.log(`| ${label} | ${Number.isFinite(budget) ? budget.toLocaleString('en') : 'none'} | ${d.day} | ${d.records.toLocaleString('en')} | ${d.warnPlus.toLocaleString('en')} | ${d.critical} | ${d.payloads} | ${d.bytes.toLocaleString('en')} | ${d.wire.toLocaleString('en')} | ${d.aggregated} | ${d.cut} |`);
    }
  }
}

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PRD_SAMPLE_ENTRIES, VendingSimulator } from '../../demo/vending-simulator.js';
import { SEVERITY } from '../../collector/component/index.js';
import { eventFromEntry, type EportEvent, type JsonValue } from './event.js';
import { pack } from './packer.js';
import { unpack } from './unpack.js';
import { dictionaryDigest, DICTIONARY_SHA256 } from './dictionaries.js';
import { formatCompactLine } from './compact.js';

const RECEIVED = Date.parse('2026-01-23T00:00:00Z');
const LEVELS = [SEVERITY.DEBUG, SEVERITY.INFO, SEVERITY.WARN, SEVERITY.ERROR, SEVERITY.CRITICAL, 1, 10, 24];

/** What JSON keeps of a value (the ePort carries JSON-equivalent data). */
function jsonNormal<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

const contextArb = fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<JsonValue>, { maxKeys: 5 });
const eventArb: fc.Arbitrary<EportEvent> = fc.record({
  timeMs: fc.integer({ min: 0, max: 4_102_444_800_000 }),
  machine: fc.constantFrom('VM001', 'VM002', 'machine-with-a-longer-id'),
  severityNumber: fc.constantFrom(...LEVELS),
  component: fc.oneof(fc.constantFrom('payment', 'motor', 'door'), fc.string({ maxLength: 20 })),
  message: fc.oneof(
    fc.constantFrom('Card declined', 'Dispensed 250ml in 4.2s', 'GPIO conflict on pin 17, retry attempt 2', 'code 007 at 0'),
    fc.string({ maxLength: 60 }),
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: 8 }),
  ),
  context: fc.option(contextArb, { nil: undefined }),
}).map((e) => {
  if (e.context === undefined) delete e.context;
  return e;
});

function unpackAll(payloads: readonly Buffer[]): { events: EportEvent[]; lossless: boolean; aggregated: number; cut: number; shortened: number } {
  const events: EportEvent[] = [];
  let lossless = true, aggregated = 0, cut = 0, shortened = 0;
  for (const p of payloads) {
    const r = unpack(p, RECEIVED);
    assert.ok(r.ok, r.ok ? '' : r.reason);
    events.push(...r.events);
    lossless &&= r.meta.lossless;
    aggregated += r.meta.aggregatedRecords;
    cut += r.meta.cutRecords;
    shortened += r.meta.shortenedRecords;
  }
  return { events, lossless, aggregated, cut, shortened };
}

function expectedOrder(events: readonly EportEvent[]): EportEvent[] {
  const machines = [...new Set(events.map((e) => e.machine))];
  return machines.flatMap((m) => {
    const mine = events.filter((e) => e.machine === m);
    return [...mine.filter((e) => e.severityNumber >= 21), ...mine.filter((e) => e.severityNumber < 21)];
  });
}

test('packed: random records round-trip exactly, every payload within the budget, lossless flag true', () => {
  fc.assert(fc.property(fc.array(eventArb, { maxLength: 120 }), fc.integer({ min: 160, max: 1500 }), (events, maxPayloadBytes) => {
    const result = pack(events, { maxPayloadBytes, bootId: 7, firstSequence: 100 });
    for (const p of result.payloads) assert.ok(p.length <= maxPayloadBytes, `payload ${p.length} > ${maxPayloadBytes}`);
    const back = unpackAll(result.payloads);
    if (result.lossless) {
      assert.equal(back.lossless, true);
      assert.deepEqual(back.events, jsonNormal(expectedOrder(events)));
    } else {
      // only a record too large for one payload may be shortened, and that is said in the header
      assert.ok(back.shortened > 0 && back.shortened === result.loss.shortenedRecords);
      assert.equal(back.lossless, false);
      assert.equal(back.events.length, events.length);
    }
  }), { numRuns: 150 });
});

test('packed: sequence numbers count up from firstSequence, boot id and machine in every payload', () => {
  const events = new VendingSimulator({ seed: 3 }).take(600).map(eventFromEntry);
  const result = pack(events, { bootId: 0xdeadbeef, firstSequence: 2 ** 32 - 2 });
  assert.ok(result.payloads.length >= 3);
  const seqs = result.payloads.map((p) => {
    const r = unpack(p, RECEIVED);
    assert.ok(r.ok);
    assert.equal(r.meta.bootId, 0xdeadbeef);
    assert.equal(r.meta.machine, 'VM001');
    return r.meta.sequence;
  });
  assert.deepEqual(seqs.slice(0, 3), [2 ** 32 - 2, 2 ** 32 - 1, 0]);
});

test('budget: aggregates, then cuts, always flagged and counted; records carried + cut = records given', () => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 4000 }), fc.integer({ min: 50, max: 800 }), fc.integer({ min: 0, max: 1000 }), (seed, n, budget) => {
    const events = new VendingSimulator({ seed, warnShare: 0.5 }).take(n).map(eventFromEntry);
    const result = pack(events, { maxTotalBytes: budget });
    const headerOnly = result.loss.cutRecords === n && result.payloads.length === 1 && result.payloads[0]!.length <= 40;
    assert.ok(result.payloadBytes <= budget || headerOnly, `${result.payloadBytes} > ${budget}`);
    assert.ok(result.payloads.length > 0, 'a cut is always carried by a payload');
    const back = unpackAll(result.payloads);
    const carried = back.events.reduce((k, e) => k + (e.count ?? 1), 0);
    if (result.payloads.length > 0) assert.equal(carried + back.cut, n);
    assert.equal(result.loss.cutRecords + carried, n);
    if (result.lossless) {
      assert.deepEqual(back.events, jsonNormal(expectedOrder(events)));
    } else {
      if (result.payloads.length > 0) assert.equal(back.lossless, false);
      assert.ok(result.loss.aggregatedRecords + result.loss.cutRecords > 0);
    }
    // CRITICAL records are the last to go
    const critical = events.filter((e) => e.severityNumber >= 21).length;
    const criticalBack = back.events.filter((e) => e.severityNumber >= 21).reduce((k, e) => k + (e.count ?? 1), 0);
    if (back.cut > 0 && back.cut <= n - critical) assert.equal(criticalBack, critical);
  }), { numRuns: 40 });
});

test('budget: groups are folded one at a time (lowest level, largest first); the records of the other groups come back exactly', () => {
  const events = new VendingSimulator({ seed: 9, warnShare: 1, criticalShare: 0 }).take(400).map(eventFromEntry);
  const full = pack(events).payloadBytes;
  const result = pack(events, { maxTotalBytes: Math.floor(full * 0.8) });
  assert.equal(result.loss.cutRecords, 0);
  assert.ok(result.loss.aggregatedRecords > 0 && result.loss.aggregatedRecords < events.length, `${result.loss.aggregatedRecords} aggregated`);
  const back = unpackAll(result.payloads).events;
  const folded = back.filter((e) => e.count !== undefined);
  const foldedKeys = new Set(folded.map((e) => `${e.severityNumber}|${e.component}|${e.message}`));
  const kept = events.filter((e) => !foldedKeys.has(`${e.severityNumber}|${e.component}|${e.message}`));
  const keptGroups = new Map<string, EportEvent[]>();
  for (const e of kept) keptGroups.set(`${e.severityNumber}|${e.component}|${e.message}`, [...(keptGroups.get(`${e.severityNumber}|${e.component}|${e.message}`) ?? []), e]);
  const keptMulti = [...keptGroups.values()].filter((g) => g.length > 1);
  assert.ok(keptMulti.length > 0, 'groups of several records that did not need folding stay as they are');
  assert.deepEqual(back.filter((e) => e.count === undefined).sort((a, b) => a.timeMs - b.timeMs), jsonNormal(kept).sort((a, b) => a.timeMs - b.timeMs));
  assert.equal(folded.reduce((n, e) => n + e.count!, 0), events.length - kept.length);
  // folded first: the lowest level, and within a level the largest group
  for (const f of folded) {
    for (const g of keptMulti) assert.ok(f.severityNumber < g[0]!.severityNumber || (f.severityNumber === g[0]!.severityNumber && f.count! >= g.length), `${f.message} (${f.count}) folded before ${g[0]!.message} (${g.length})`);
  }
});

test('packed density on simulated vending logs: at least 90 records per 900-byte payload', () => {
  const events = new VendingSimulator({ seed: 42 }).take(5_000).map(eventFromEntry);
  const result = pack(events);
  assert.equal(result.lossless, true);
  const perPayload = events.length / result.payloads.length;
  assert.ok(perPayload >= 90, `only ${perPayload.toFixed(1)} records per payload`);
  assert.deepEqual(unpackAll(result.payloads).events, jsonNormal(expectedOrder(events)));
});

test('compact: the PRD standard entry gives the PRD compressed line', () => {
  assert.equal(formatCompactLine(eventFromEntry(PRD_SAMPLE_ENTRIES[0])), 'VM001|0122-1430|E|payment|Auth timeout 30s|txn:abc123');
});

test('compact: the PRD example lines parse and format back identically', () => {
  const lines = [
    'VM001|0122-1430|E|payment|Auth timeout 30s|txn:abc123',
    'VM001|0122-1435|W|motor|GPIO conflict retry 2',
    'VM001|0122-1440|I|txn|47 completed $142.35',
    'VM001|0122-1430|E|pay|Auth timeout 30s|abc123',
    'VM001|0122-1432|E|mtr|GPIO17 retry2|soap_hand',
    'VM001|0122-1435|W|flw|Pulse mismatch recal|54>52',
  ];
  const r = unpack(Buffer.from(lines.join('\n')), RECEIVED);
  assert.ok(r.ok, r.ok ? '' : r.reason);
  assert.equal(r.meta.format, 'compact');
  assert.equal(r.meta.lossless, false);
  assert.deepEqual(r.events.map(formatCompactLine), lines);
  assert.equal(new Date(r.events[0]!.timeMs).toISOString(), '2026-01-22T14:30:00.000Z');
  assert.equal(r.events[1]!.severityNumber, SEVERITY.WARN);
});

test('compact: year inferred from the receive time, also across New Year', () => {
  const r = unpack(Buffer.from('VM001|1231-2359|C|door|Door forced open'), Date.parse('2027-01-01T00:10:00Z'));
  assert.ok(r.ok);
  assert.equal(new Date(r.events[0]!.timeMs).toISOString(), '2026-12-31T23:59:00.000Z');
});

test('compact: payloads within budget, aggregates read back with count and last time', () => {
  const events = new VendingSimulator({ seed: 9, warnShare: 0.9 }).take(400).map(eventFromEntry);
  const result = pack(events, { format: 'compact', maxTotalBytes: 1800, bootId: 0xab, firstSequence: 5 });
  assert.equal(result.lossless, false);
  assert.ok(result.payloads.every((p) => p.length <= 900));
  assert.ok(result.payloadBytes <= 1800);
  const back = unpackAll(result.payloads);
  assert.ok(back.aggregated > 0);
  assert.ok(back.events.some((e) => (e.count ?? 0) > 1 && e.lastTimeMs !== undefined && e.lastTimeMs >= e.timeMs));
  const first = unpack(result.payloads[0]!, RECEIVED);
  assert.ok(first.ok);
  assert.equal(first.meta.bootId, 0xab);
  assert.equal(first.meta.sequence, 5);
});

test('compact (no budget): the PRD fits about 16 lines per 900 bytes, nothing cut', () => {
  const events = new VendingSimulator({ seed: 11 }).take(1000).map(eventFromEntry);
  const result = pack(events, { format: 'compact' });
  assert.equal(result.loss.cutRecords + result.loss.aggregatedRecords, 0);
  assert.equal(unpackAll(result.payloads).events.length, 1000);
  const perPayload = 1000 / result.payloads.length;
  assert.ok(perPayload > 10 && perPayload < 20, `${perPayload}`);
});

test('published dictionaries are unchanged', () => {
  for (const [id, digest] of Object.entries(DICTIONARY_SHA256)) assert.equal(dictionaryDigest(Number(id)), digest);
});

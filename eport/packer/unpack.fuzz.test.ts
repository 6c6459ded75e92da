// Fuzz: random and mutated payloads never throw and never hang; each is either read or rejected with a reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { VendingSimulator } from '../../demo/vending-simulator.js';
import { eventFromEntry } from './event.js';
import { pack } from './packer.js';
import { unpack } from './unpack.js';
import { parseCompactLine } from './compact.js';
import { PACKED_MAGIC } from './payload.js';

const RECEIVED = Date.parse('2026-02-01T00:00:00Z');
const events = new VendingSimulator({ seed: 5 }).take(300).map(eventFromEntry);
const packed = pack(events).payloads;
const compact = pack(events, { format: 'compact', bootId: 1, firstSequence: 1 }).payloads;
const samples = [...packed, ...compact];

function check(bytes: Uint8Array): void {
  const started = performance.now();
  const r = unpack(bytes, RECEIVED);
  assert.ok(performance.now() - started < 500, 'unpack took over 500 ms');
  if (!r.ok) {
    assert.equal(typeof r.reason, 'string');
    assert.ok(r.reason.length > 0);
  } else {
    for (const e of r.events) assert.ok(Number.isFinite(e.timeMs));
  }
}

test('random bytes (and random bytes after the packed magic) are read or rejected, never thrown', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 1200 }), fc.boolean(), (bytes, magic) => {
    if (magic && bytes.length > 0) bytes[0] = PACKED_MAGIC;
    check(bytes);
  }), { numRuns: 3000 });
});

test('mutated real payloads (flips, inserts, deletes, truncation) are read or rejected, never thrown', () => {
  const mutation = fc.record({
    sample: fc.integer({ min: 0, max: samples.length - 1 }),
    edits: fc.array(fc.record({ kind: fc.constantFrom('flip', 'insert', 'delete', 'truncate'), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 6 }),
  });
  let rejected = 0;
  fc.assert(fc.property(mutation, ({ sample, edits }) => {
    let bytes = Buffer.from(samples[sample]!);
    for (const edit of edits) {
      const at = bytes.length === 0 ? 0 : edit.at % bytes.length;
      if (edit.kind === 'flip') bytes[at] = (bytes[at] ?? 0) ^ (edit.byte || 1);
      else if (edit.kind === 'insert') bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from([edit.byte]), bytes.subarray(at)]);
      else if (edit.kind === 'delete') bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1)]);
      else bytes = bytes.subarray(0, at);
    }
    const r = unpack(bytes, RECEIVED);
    if (!r.ok) rejected += 1;
    check(bytes);
  }), { numRuns: 3000 });
  assert.ok(rejected > 500, `only ${rejected} of 3000 mutations rejected: the decoder is not checking much`);
});

test('compact-line parser: random text is parsed or rejected with a reason, never thrown', () => {
  fc.assert(fc.property(fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.array(fc.string({ maxLength: 12 }), { maxLength: 8 }).map((parts) => parts.join('|')),
    fc.tuple(fc.string({ maxLength: 6 }), fc.string({ maxLength: 10 }), fc.constantFrom('E', 'W', 'x', ''), fc.string({ maxLength: 10 })).map((p) => `${p[0]}|${p[1]}|${p[2]}|${p[3]}|msg|k:1`),
  ), (line) => {
    const r = parseCompactLine(line, RECEIVED);
    if (!r.ok) assert.ok(r.reason.length > 0);
    else assert.ok(Number.isFinite(r.event.timeMs));
  }), { numRuns: 5000 });
  assert.deepEqual(parseCompactLine('VM001|1340-1200|E|x|y', RECEIVED), { ok: false, reason: 'bad time "1340-1200" (want MMDD-HHMM)' });
  assert.deepEqual(parseCompactLine('VM001|0230-1200|E|x|y', RECEIVED), { ok: false, reason: 'bad time "0230-1200" (want MMDD-HHMM)' });
});

test('a deflate bomb in a packed payload is refused', async () => {
  const { deflateRawSync } = await import('node:zlib');
  const body = deflateRawSync(Buffer.alloc(8 * 1024 * 1024));
  const head = Buffer.from([PACKED_MAGIC, 0x01, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0x41]);
  const r = unpack(Buffer.concat([head, body]), RECEIVED);
  assert.equal(r.ok, false);
  assert.match(r.ok ? '' : r.reason, /inflate failed/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { cobsDecode, cobsEncode } from './cobs.js';
import { decodeFrame, encodeFrame, FrameType, type Frame } from './frame.js';
import { base64Decode, base64Encode, z85Decode, z85Encode } from './ascii.js';
import { encodeWire, WireDecoder, WIRE_ENCODINGS, type WireEncoding } from './wire.js';
import { ackTimeoutMs, transmitMs } from './timing.js';
import { LinkSender } from './sender.js';
import { LinkReceiver, type ReceivedPayload } from './receiver.js';
import type { LinkPort } from './port.js';

function frameOf(payload: Uint8Array, over: Partial<Frame> = {}): Frame {
  return { type: FrameType.DATA, flags: 3, dictionaryId: 1, bootId: 0xcafebabe, sequence: 77, fragmentIndex: 0, fragmentCount: 1, payload: Buffer.from(payload), ...over };
}

/** Two connected in-memory ports; `noise` may alter bytes travelling from a to b. */
function portPair(noise?: (chunk: Buffer) => Buffer): { a: LinkPort; b: LinkPort } {
  const listeners = { a: new Set<(c: Buffer) => void>(), b: new Set<(c: Buffer) => void>() };
  const make = (self: 'a' | 'b', other: 'a' | 'b'): LinkPort => ({
    write: async (data) => {
      const chunk = self === 'a' && noise ? noise(Buffer.from(data)) : Buffer.from(data);
      setImmediate(() => { for (const l of listeners[other]) l(chunk); });
    },
    onData: (l) => { listeners[self].add(l); return () => listeners[self].delete(l); },
  });
  return { a: make('a', 'b'), b: make('b', 'a') };
}

test('COBS: random bytes round-trip, no zero in the output, overhead within the bound', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 2000 }), (data) => {
    const encoded = cobsEncode(data);
    assert.ok(!encoded.includes(0));
    assert.ok(encoded.length <= data.length + Math.ceil(data.length / 254) + 1);
    const decoded = cobsDecode(encoded);
    assert.ok(decoded.ok);
    assert.deepEqual(decoded.data, Buffer.from(data));
  }), { numRuns: 500 });
});

test('frame: round-trips; the CRC catches every single-byte change', () => {
  const bytes = encodeFrame(frameOf(Buffer.from('hello ePort')));
  const back = decodeFrame(bytes);
  assert.ok(back.ok);
  assert.deepEqual(back.frame, frameOf(Buffer.from('hello ePort')));
  for (let i = 0; i < bytes.length; i += 1) {
    for (const x of [0x01, 0x80, 0xff]) {
      const bad = Buffer.from(bytes);
      bad[i] = bad[i]! ^ x;
      assert.equal(decodeFrame(bad).ok, false, `change at ${i} not caught`);
    }
  }
});

test('Z85 and base64 round-trip; Z85 costs 25 %, base64 33 %', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 1000 }), (data) => {
    const z = z85Decode(z85Encode(data));
    assert.ok(z.ok);
    assert.deepEqual(z.data.subarray(0, data.length), Buffer.from(data));
    const b = base64Decode(base64Encode(data));
    assert.ok(b.ok);
    assert.deepEqual(b.data, Buffer.from(data));
  }), { numRuns: 300 });
  assert.equal(z85Encode(Buffer.from([0x86, 0x4f, 0xd2, 0x6f, 0xb5, 0x59, 0xf7, 0x5b])), 'HelloWorld'); // ZeroMQ RFC 32 test vector
  assert.equal(z85Encode(Buffer.alloc(900)).length, 1125);
});

test('wire: frames split across random chunks with garbage between them are all recovered (resync)', () => {
  for (const encoding of WIRE_ENCODINGS) {
    fc.assert(fc.property(
      fc.array(fc.uint8Array({ maxLength: 300 }), { minLength: 1, maxLength: 8 }),
      fc.array(fc.uint8Array({ maxLength: 40 }), { minLength: 8, maxLength: 8 }),
      fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 20 }),
      (payloads, garbage, cuts) => {
        const stream = Buffer.concat(payloads.flatMap((p, i) => [Buffer.from(garbage[i]!), encodeWire(frameOf(p, { sequence: i }), encoding)]));
        const decoder = new WireDecoder(encoding, 400);
        const got: number[] = [];
        let at = 0, c = 0;
        while (at < stream.length) {
          const n = cuts[c++ % cuts.length]!;
          for (const d of decoder.push(stream.subarray(at, at + n))) if (d.ok) got.push(d.frame.sequence);
          at += n;
        }
        assert.deepEqual(got, payloads.map((_, i) => i));
      },
    ), { numRuns: 150 });
  }
});

test('fuzz: random and mutated bytes into the wire decoder, COBS and frame decoders never throw', () => {
  const good = encodeWire(frameOf(Buffer.alloc(300, 7)), 'binary');
  fc.assert(fc.property(fc.uint8Array({ maxLength: 3000 }), fc.array(fc.nat(), { maxLength: 5 }), fc.constantFrom(...WIRE_ENCODINGS), (random, flips, encoding) => {
    const mutated = Buffer.from(good);
    for (const f of flips) mutated[f % mutated.length] = mutated[f % mutated.length]! ^ ((f % 255) + 1);
    const decoder = new WireDecoder(encoding, 900);
    const results = [...decoder.push(random), ...decoder.push(mutated), ...decoder.push(Buffer.from([0, 10]))];
    for (const r of results) if (!r.ok) assert.ok(r.reason.length > 0);
    const c = cobsDecode(random);
    if (!c.ok) assert.ok(c.reason.startsWith('COBS'));
    const f = decodeFrame(random);
    if (!f.ok) assert.ok(f.reason.length > 0);
  }), { numRuns: 3000 });
});

test('wire: an endless run without a delimiter is discarded and the next frame is read', () => {
  const decoder = new WireDecoder('binary', 900);
  const results = decoder.push(Buffer.alloc(5000, 0x41));
  assert.equal(results.length, 1);
  assert.match(results[0]!.ok ? '' : results[0]!.reason, /no delimiter/);
  const after = decoder.push(encodeWire(frameOf(Buffer.from('x')), 'binary'));
  assert.deepEqual(after.filter((r) => r.ok).length, 1);
});

test('timing: timeouts follow the baud rate and the framing bits', () => {
  assert.equal(transmitMs(960, { baudRate: 9600 }), 1000);
  assert.equal(transmitMs(960, { baudRate: 9600, parity: 'even', stopBits: 2 }), 1200);
  assert.equal(ackTimeoutMs(960, 24, { baudRate: 9600 }, 100), Math.ceil(2000 + 25 + 100));
  assert.ok(ackTimeoutMs(960, 24, { baudRate: 115200 }, 100) < 300);
});

async function exchange(encoding: WireEncoding, noise: ((c: Buffer) => Buffer) | undefined, dropAckEvery: number, payloads: Buffer[], maxFragmentBytes = 1024): Promise<{ got: ReceivedPayload[]; sender: LinkSender; receiver: LinkReceiver }> {
  const { a, b } = portPair(noise);
  const got: ReceivedPayload[] = [];
  let acks = 0;
  const receiver = new LinkReceiver(b, {
    encoding,
    accept: async (p) => { got.push(p); },
    faults: { dropAck: () => (dropAckEvery > 0 && ++acks % dropAckEvery === 0) },
  });
  const sender = new LinkSender(a, 0x1234, { encoding, line: { baudRate: 460800 }, processingMs: 20, backoffInitialMs: 5, backoffMaxMs: 20, maxAttempts: 20, maxFragmentBytes });
  for (let i = 0; i < payloads.length; i += 1) await sender.send(payloads[i]!, { sequence: i, dictionaryId: 1 });
  await receiver.idle();
  sender.close();
  receiver.close();
  return { got, sender, receiver };
}

test('stop-and-wait: corrupted frames and lost ACKs — every payload delivered exactly once, in order', async () => {
  let n = 0;
  const noise = (chunk: Buffer): Buffer => {
    n += 1;
    if (n % 5 === 0 && chunk.length > 4) { const at = 2 + (n % (chunk.length - 3)); chunk[at] = chunk[at]! ^ 0x5a; } // damage every 5th write
    return chunk;
  };
  const payloads = Array.from({ length: 40 }, (_, i) => Buffer.alloc(100 + i * 20, i + 1));
  for (const encoding of WIRE_ENCODINGS) {
    const { got, sender, receiver } = await exchange(encoding, noise, 4, payloads);
    assert.deepEqual(got.map((p) => p.sequence), payloads.map((_, i) => i), encoding);
    assert.deepEqual(got.map((p) => p.payload), payloads);
    assert.ok(receiver.stats.duplicates > 0 && receiver.stats.rejected > 0, JSON.stringify(receiver.stats));
    assert.ok(sender.stats.retransmissions > 0);
    assert.equal(sender.state, 'up');
  }
});

test('fragments: a payload larger than the fragment size is reassembled', async () => {
  const payloads = [Buffer.from(Array.from({ length: 900 }, (_, i) => i % 256)), Buffer.alloc(10, 9)];
  const { got } = await exchange('binary', undefined, 3, payloads, 128);
  assert.deepEqual(got.map((p) => p.payload), payloads);
});

test('no answer: the send fails with FLEETLOG_ERR_EPORT_LINK after maxAttempts and the link is down', async () => {
  const { a } = portPair();
  const sender = new LinkSender(a, 1, { processingMs: 5, backoffInitialMs: 1, backoffMaxMs: 2, maxAttempts: 3, line: { baudRate: 115200 } });
  await assert.rejects(sender.send(Buffer.from('x'), { sequence: 1 }), (e: Error & { code?: string }) => e.code === 'FLEETLOG_ERR_EPORT_LINK');
  assert.equal(sender.state, 'down');
  assert.equal(sender.stats.framesSent, 3);
  sender.close();
});

// JsonBytes writes exactly the UTF-8 of JSON.stringify for any value — escapes, non-ASCII and lone surrogates,
// nested plain objects (walked here) and arrays, Dates (toJSON), integer-like and odd keys, undefined — and keeps
// doing so through one buffer that grows and is reset.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { JsonBytes } from './json-bytes.js';

const text = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 20 }), // lone surrogates included
  fc.constantFrom('', '"', '\\', '\u007f', '\u0080', '\u0000\n\t', '\u2028', 'Zahlung — €5 🚀'),
);
const key = fc.oneof(text, fc.constantFrom('__proto__', 'toJSON', '0', '10', '2', '-1', '01', '4294967295', 'constructor'));
const number = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(-0, 2 ** 31 - 1, 2 ** 31, 2 ** 53, 1e21, 1e-7, Number.NaN, Number.NEGATIVE_INFINITY));
const scalar: fc.Arbitrary<unknown> = fc.oneof(text, number, fc.boolean(), fc.constant(null), fc.constant(undefined));
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    scalar,
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(key, tie('value'), { maxKeys: 4 }),
    fc.constant(new Date(0)),
    fc.constant(() => 1),
  ),
})).value;

test('property: value() writes the UTF-8 of JSON.stringify, or nothing and false where it gives undefined', () => {
  const out = new JsonBytes(0);
  fc.assert(fc.property(fc.array(value, { maxLength: 6 }), (values) => {
    out.reset(4096);
    const expected: Buffer[] = [];
    for (const v of values) {
      const before = out.length;
      const json = JSON.stringify(v) as string | undefined;
      assert.equal(out.value(v), json !== undefined);
      if (json === undefined) assert.equal(out.length, before);
      else expected.push(Buffer.from(json));
    }
    assert.ok(out.view().equals(Buffer.concat(expected)));
  }), { numRuns: 1500 });
});

test('string(), number() and raw() are JSON.stringify of their argument; repeat() and truncate() edit what was written', () => {
  const out = new JsonBytes(8);
  out.string('a"b\\c\u0001é😀\ud800');
  out.byte(0x2c);
  out.number(-0);
  out.byte(0x2c);
  out.number(1e21);
  out.byte(0x2c);
  out.number(Number.NaN);
  out.byte(0x2c);
  out.raw('{"ü":1}');
  const expected = `${JSON.stringify('a"b\\c\u0001é😀\ud800')},${JSON.stringify(-0)},${JSON.stringify(1e21)},${JSON.stringify(Number.NaN)},{"ü":1}`;
  assert.equal(out.view().toString('utf8'), expected);
  const mark = out.length;
  out.repeat(0, 3);
  assert.equal(out.view().subarray(mark).toString('utf8'), expected.slice(0, 3));
  out.truncate(mark);
  assert.equal(out.view().toString('utf8'), expected);
  const resets = out.resets;
  out.reset(16);
  assert.equal(out.length, 0);
  assert.equal(out.resets, resets + 1);
  assert.ok(out.buffer.length >= 64 * 1024, 'a buffer grown past keepBytes is replaced by a fresh one');
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { LineList, LineSplitter, type Line } from './line-splitter.js';

function linesOf(list: LineList): Line[] {
  return Array.from({ length: list.count }, (_, i) => list.at(i));
}

function splitAll(chunks: Buffer[], max = 1 << 20, start = 0): Line[] {
  const splitter = new LineSplitter(start, max, 'utf8');
  const out = new LineList();
  for (const chunk of chunks) splitter.push(chunk, out);
  return linesOf(out);
}

test('lines across partial writes come out whole, with byte offsets; CRLF trimmed; the tail is held', () => {
  const text = 'alpha\r\nbeta line\ngam';
  const lines = splitAll([Buffer.from('al'), Buffer.from('pha\r'), Buffer.from('\nbeta '), Buffer.from('line\ngam')], 1 << 20, 100);
  assert.deepEqual(lines, [
    { text: 'alpha', start: 100, end: 107, truncated: false },
    { text: 'beta line', start: 107, end: 117, truncated: false },
  ]);
  assert.equal(Buffer.byteLength(text), 120 - 100);
});

test('multi-byte characters split between reads are decoded intact', () => {
  const bytes = Buffer.from('Tür offen – ålarm\n');
  for (let cut = 1; cut < bytes.length; cut += 1) {
    const [line] = splitAll([bytes.subarray(0, cut), bytes.subarray(cut)]);
    assert.equal(line?.text, 'Tür offen – ålarm');
  }
});

test('over-long lines keep their first max bytes and still end at their newline', () => {
  const splitter = new LineSplitter(0, 4, 'utf8');
  const out = new LineList();
  splitter.push(Buffer.from('abcdefg'), out);
  splitter.push(Buffer.from('hij\nok\nlonger-than-four\n'), out);
  assert.deepEqual(linesOf(out), [
    { text: 'abcd', start: 0, end: 11, truncated: true },
    { text: 'ok', start: 11, end: 14, truncated: false },
    { text: 'long', start: 14, end: 31, truncated: true },
  ]);
  assert.ok(splitter.pendingBytes === 0);
  splitter.push(Buffer.from('tail'), out);
  splitter.flush(out);
  assert.deepEqual(out.at(out.count - 1), { text: 'tail', start: 31, end: 35, truncated: false });
  assert.equal(splitter.lineOffset, 35);
  out.clear();
  assert.equal(out.count, 0);
  splitter.push(Buffer.from('next\n'), out);
  assert.deepEqual(linesOf(out), [{ text: 'next', start: 35, end: 40, truncated: false }], 'a cleared list is filled again from its start');
});

test('property: any chunking of any text gives the same lines as splitting the whole', () => {
  fc.assert(fc.property(
    fc.array(fc.string({ unit: fc.constantFrom('a', 'é', '\n', '\r', 'ü', 'z', '€') }), { minLength: 1, maxLength: 30 }),
    fc.array(fc.nat(40), { maxLength: 10 }),
    (parts, cuts) => {
      const bytes = Buffer.from(parts.join(''));
      const chunks: Buffer[] = [];
      let at = 0;
      for (const cut of cuts) {
        const end = Math.min(bytes.length, at + cut);
        chunks.push(bytes.subarray(at, end));
        at = end;
      }
      chunks.push(bytes.subarray(at));
      const whole = splitAll([bytes]);
      assert.deepEqual(splitAll(chunks), whole);
      const expected = bytes.toString('utf8').split('\n').slice(0, -1).map((l) => l.replace(/\r$/, ''));
      assert.deepEqual(whole.map((l) => l.text), expected);
    },
  ), { numRuns: 300 });
});

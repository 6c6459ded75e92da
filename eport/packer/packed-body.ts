// The lossless body of a `packed` payload: the events of one machine, column by column (docs/eport.md, "Packed
// body"). Every record is reduced to a *shape* (level, component, message skeleton with its numbers taken out,
// context keys and value types) and its *values* (time delta, the message's numbers, the context's numbers and
// strings). A shape is written once and then referred to by number; strings are written once and then referred to
// by number. Four streams — meta (shapes), refs (string references), nums (varints), text (new strings) — are
// concatenated so that the deflate stage finds like beside like.
import { ByteReader, ByteWriter, DecodeError } from './bytes.js';
import type { Context, EportEvent, JsonValue } from './event.js';

const PLACEHOLDER = '\u0001';
/** Digit runs that read back identically: no leading zero, ≤ 15 digits, not glued to a letter/digit on the left. */
const NUMBER_IN_TEXT = /(?<![A-Za-z0-9_])(0|[1-9][0-9]{0,14})(?![0-9])/g;

const FLAG_CONTEXT = 0x20;
const FLAG_AGGREGATE = 0x40;
const FLAG_LITERAL_MESSAGE = 0x80;
const SEVERITY_MASK = 0x1f;

const TAG_NULL = 0, TAG_FALSE = 1, TAG_TRUE = 2, TAG_INT = 3, TAG_DECIMAL = 4, TAG_STRING = 5, TAG_NUMSTR = 6, TAG_ARRAY = 7, TAG_OBJECT = 8;
const MAX_DEPTH = 32;
const MAX_INT = 2 ** 52 - 1;

/** The message's skeleton (numbers replaced by a placeholder) and its numbers; undefined if it must stay literal. */
export function splitMessage(message: string): { skeleton: string; numbers: number[] } | undefined {
  if (message.includes(PLACEHOLDER)) return undefined;
  const numbers: number[] = [];
  const skeleton = message.replace(NUMBER_IN_TEXT, (digits) => {
    numbers.push(Number(digits));
    return PLACEHOLDER;
  });
  return { skeleton, numbers };
}

function joinMessage(skeleton: string, numbers: readonly number[]): string {
  const parts = skeleton.split(PLACEHOLDER);
  let out = parts[0]!;
  for (let i = 1; i < parts.length; i += 1) out += String(numbers[i - 1]) + parts[i]!;
  return out;
}

function decimalParts(value: number): { mantissa: number; scale: number } | undefined {
  const match = /^(-?)(\d+)\.(\d+)$/.exec(String(value));
  if (!match) return undefined;
  const digits = match[2]! + match[3]!;
  if (digits.length > 15) return undefined;
  const scale = match[3]!.length;
  const mantissa = Number(digits) * (match[1] === '-' ? -1 : 1);
  return mantissa / 10 ** scale === value ? { mantissa, scale } : undefined;
}

class Writer {
  readonly meta = new ByteWriter();
  readonly refs = new ByteWriter();
  readonly nums = new ByteWriter();
  readonly times = new ByteWriter();
  readonly text = new ByteWriter();
  readonly #strings = new Map<string, number>();
  readonly #shapes = new Map<string, number>();

  stringRef(out: ByteWriter, value: string): void {
    const known = this.#strings.get(value);
    if (known !== undefined) {
      out.uvarint(known);
      return;
    }
    out.uvarint(0);
    this.text.string(value);
    this.#strings.set(value, this.#strings.size + 1);
  }

  /** Structure key of a context value, and the value's leaves in order. */
  static shapeKey(value: JsonValue, depth: number): string {
    if (depth > MAX_DEPTH) throw new RangeError('context nested too deeply');
    if (value === null) return 'n';
    if (value === false) return 'f';
    if (value === true) return 't';
    if (typeof value === 'number') {
      if (Number.isSafeInteger(value) && Math.abs(value) <= MAX_INT) return 'i';
      const d = decimalParts(value);
      return d ? `d${d.scale}` : 'x';
    }
    if (typeof value === 'string') return 's';
    if (Array.isArray(value)) return `[${value.map((v: JsonValue) => Writer.shapeKey(v, depth + 1)).join(',')}]`;
    const obj = value as Context;
    return `{${Object.keys(obj).map((k) => `${JSON.stringify(k)}:${Writer.shapeKey(obj[k]!, depth + 1)}`).join(',')}}`;
  }

  defineValue(value: JsonValue): void {
    if (value === null) return this.meta.byte(TAG_NULL);
    if (value === false) return this.meta.byte(TAG_FALSE);
    if (value === true) return this.meta.byte(TAG_TRUE);
    if (typeof value === 'number') {
      if (Number.isSafeInteger(value) && Math.abs(value) <= MAX_INT) return this.meta.byte(TAG_INT);
      const d = decimalParts(value);
      if (d) {
        this.meta.byte(TAG_DECIMAL);
        return this.meta.byte(d.scale);
      }
      return this.meta.byte(TAG_NUMSTR);
    }
    if (typeof value === 'string') return this.meta.byte(TAG_STRING);
    if (Array.isArray(value)) {
      this.meta.byte(TAG_ARRAY);
      this.meta.uvarint(value.length);
      for (const v of value as readonly JsonValue[]) this.defineValue(v);
      return;
    }
    const obj = value as Context;
    const keys = Object.keys(obj);
    this.meta.byte(TAG_OBJECT);
    this.meta.uvarint(keys.length);
    for (const key of keys) {
      this.stringRef(this.meta, key);
      this.defineValue(obj[key]!);
    }
  }

  static collectValue(value: JsonValue, out: Slot[]): void {
    if (value === null || typeof value === 'boolean') return;
    if (typeof value === 'number') {
      if (Number.isSafeInteger(value) && Math.abs(value) <= MAX_INT) return void out.push({ kind: 's', n: value });
      const d = decimalParts(value);
      if (d) return void out.push({ kind: 's', n: d.mantissa });
      return void out.push({ kind: 'r', text: String(value) });
    }
    if (typeof value === 'string') return void out.push({ kind: 'r', text: value });
    if (Array.isArray(value)) {
      for (const v of value as readonly JsonValue[]) Writer.collectValue(v, out);
      return;
    }
    const obj = value as Context;
    for (const key of Object.keys(obj)) Writer.collectValue(obj[key]!, out);
  }

  writeSlot(slot: Slot): void {
    if (slot.kind === 'r') this.stringRef(this.refs, slot.text);
    else if (slot.kind === 'u') this.nums.uvarint(slot.n);
    else this.nums.svarint(slot.n);
  }

  /** Writes the record's shape and time; returns its shape number and its values (written later, by slot). */
  event(event: EportEvent, previousTimeMs: number): { shape: number; slots: Slot[] } {
    const split = splitMessage(event.message);
    let flags = event.severityNumber & SEVERITY_MASK;
    if (event.context !== undefined) flags |= FLAG_CONTEXT;
    if (event.count !== undefined) flags |= FLAG_AGGREGATE;
    if (split === undefined) flags |= FLAG_LITERAL_MESSAGE;
    const contextKey = event.context === undefined ? '' : Writer.shapeKey(event.context, 0);
    const key = `${flags}\u0000${event.component}\u0000${split?.skeleton ?? ''}\u0000${contextKey}`;
    let shape = this.#shapes.get(key);
    if (shape !== undefined) {
      this.meta.uvarint(shape);
    } else {
      this.meta.uvarint(0);
      this.meta.byte(flags);
      this.stringRef(this.meta, event.component);
      if (split !== undefined) this.stringRef(this.meta, split.skeleton);
      if (event.context !== undefined) this.defineValue(event.context);
      shape = this.#shapes.size + 1;
      this.#shapes.set(key, shape);
    }
    this.times.svarint(event.timeMs - previousTimeMs);
    const slots: Slot[] = [];
    if (split === undefined) slots.push({ kind: 'r', text: event.message });
    else for (const n of split.numbers) slots.push({ kind: 'u', n });
    if (event.context !== undefined) Writer.collectValue(event.context, slots);
    if (event.count !== undefined) {
      slots.push({ kind: 'u', n: event.count });
      slots.push({ kind: 'u', n: (event.lastTimeMs ?? event.timeMs) - event.timeMs });
    }
    return { shape, slots };
  }
}

type Slot = { kind: 'u' | 's'; n: number } | { kind: 'r'; text: string };

/** Values go out shape by shape, slot by slot (all amounts together, all transaction ids together …). */
function writeValuesBySlot(w: Writer, records: ReadonlyArray<{ shape: number; slots: Slot[] }>): void {
  const byShape = new Map<number, Array<Slot[]>>();
  for (const r of records) {
    const list = byShape.get(r.shape);
    if (list) list.push(r.slots);
    else byShape.set(r.shape, [r.slots]);
  }
  for (const shape of [...byShape.keys()].sort((a, b) => a - b)) {
    const list = byShape.get(shape)!;
    for (let j = 0; j < list[0]!.length; j += 1) for (const slots of list) w.writeSlot(slots[j]!);
  }
}

/** Encodes events of one machine (in the given order). Times are whole milliseconds. */
export function encodeBody(events: readonly EportEvent[]): Buffer {
  const w = new Writer();
  const base = events.length > 0 ? events[0]!.timeMs : 0;
  let previous = base;
  const records: Array<{ shape: number; slots: Slot[] }> = [];
  for (const event of events) {
    records.push(w.event(event, previous));
    previous = event.timeMs;
  }
  writeValuesBySlot(w, records);
  const out = new ByteWriter();
  out.uvarint(events.length);
  out.svarint(base);
  const meta = w.meta.toBuffer(), refs = w.refs.toBuffer(), nums = w.nums.toBuffer(), times = w.times.toBuffer(), text = w.text.toBuffer();
  out.uvarint(meta.length);
  out.uvarint(refs.length);
  out.uvarint(nums.length);
  out.uvarint(times.length);
  out.bytes(meta);
  out.bytes(refs);
  out.bytes(nums);
  out.bytes(times);
  out.bytes(text);
  return out.toBuffer();
}

type ShapeValue =
  | { tag: typeof TAG_NULL | typeof TAG_FALSE | typeof TAG_TRUE | typeof TAG_INT | typeof TAG_STRING | typeof TAG_NUMSTR }
  | { tag: typeof TAG_DECIMAL; scale: number }
  | { tag: typeof TAG_ARRAY; items: ShapeValue[] }
  | { tag: typeof TAG_OBJECT; keys: string[]; items: ShapeValue[] };

interface Shape { index: number; flags: number; component: string; skeleton?: string; params: number; context?: ShapeValue; slots: SlotKind[] }
type SlotKind = 'u' | 's' | 'r';

function contextSlots(shape: ShapeValue, out: SlotKind[]): void {
  switch (shape.tag) {
    case TAG_INT: case TAG_DECIMAL: out.push('s'); return;
    case TAG_STRING: case TAG_NUMSTR: out.push('r'); return;
    case TAG_ARRAY: case TAG_OBJECT: for (const item of shape.items) contextSlots(item, out); return;
    default: return;
  }
}

class Reader {
  readonly #strings: string[] = [];
  readonly #shapes: Shape[] = [];
  constructor(readonly meta: ByteReader, readonly refs: ByteReader, readonly nums: ByteReader, readonly times: ByteReader, readonly text: ByteReader) {}

  string(from: ByteReader): string {
    const ref = from.uvarint();
    if (ref === 0) {
      const s = this.text.string();
      this.#strings.push(s);
      return s;
    }
    const s = this.#strings[ref - 1];
    if (s === undefined) throw new DecodeError(`string reference ${ref} to an unknown string (${this.#strings.length} known)`);
    return s;
  }

  slot(kind: SlotKind): number | string {
    if (kind === 'u') return this.nums.uvarint();
    if (kind === 's') return this.nums.svarint();
    return this.string(this.refs);
  }

  shapeValue(depth: number): ShapeValue {
    if (depth > MAX_DEPTH) throw new DecodeError('context nested too deeply');
    const tag = this.meta.byte();
    switch (tag) {
      case TAG_NULL: case TAG_FALSE: case TAG_TRUE: case TAG_INT: case TAG_STRING: case TAG_NUMSTR:
        return { tag };
      case TAG_DECIMAL: {
        const scale = this.meta.byte();
        if (scale > 20) throw new DecodeError(`decimal scale ${scale} out of range`);
        return { tag, scale };
      }
      case TAG_ARRAY: {
        const n = this.meta.uvarint();
        if (n > this.meta.remaining) throw new DecodeError(`array of ${n} items cannot fit`);
        const items: ShapeValue[] = [];
        for (let i = 0; i < n; i += 1) items.push(this.shapeValue(depth + 1));
        return { tag, items };
      }
      case TAG_OBJECT: {
        const n = this.meta.uvarint();
        if (n > this.meta.remaining) throw new DecodeError(`object of ${n} keys cannot fit`);
        const keys: string[] = [], items: ShapeValue[] = [];
        for (let i = 0; i < n; i += 1) {
          keys.push(this.string(this.meta));
          items.push(this.shapeValue(depth + 1));
        }
        return { tag, keys, items };
      }
      default:
        throw new DecodeError(`unknown value tag ${tag}`);
    }
  }

  shape(): Shape {
    const ref = this.meta.uvarint();
    if (ref !== 0) {
      const shape = this.#shapes[ref - 1];
      if (shape === undefined) throw new DecodeError(`shape reference ${ref} to an unknown shape`);
      return shape;
    }
    const flags = this.meta.byte();
    if ((flags & SEVERITY_MASK) > 24) throw new DecodeError(`severity ${flags & SEVERITY_MASK} out of range`);
    const shape: Shape = { index: this.#shapes.length + 1, flags, component: this.string(this.meta), params: 0, slots: [] };
    if ((flags & FLAG_LITERAL_MESSAGE) === 0) {
      shape.skeleton = this.string(this.meta);
      shape.params = shape.skeleton.split(PLACEHOLDER).length - 1;
      for (let i = 0; i < shape.params; i += 1) shape.slots.push('u');
    } else {
      shape.slots.push('r');
    }
    if ((flags & FLAG_CONTEXT) !== 0) {
      shape.context = this.shapeValue(0);
      if (shape.context.tag !== TAG_OBJECT) throw new DecodeError('context is not an object');
      contextSlots(shape.context, shape.slots);
    }
    if ((flags & FLAG_AGGREGATE) !== 0) shape.slots.push('u', 'u');
    this.#shapes.push(shape);
    return shape;
  }
}

/** Rebuilds a context value from its shape and the record's values (taken in order). */
function buildValue(shape: ShapeValue, next: () => number | string): JsonValue {
  switch (shape.tag) {
    case TAG_NULL: return null;
    case TAG_FALSE: return false;
    case TAG_TRUE: return true;
    case TAG_INT: return next() as number;
    case TAG_DECIMAL: return (next() as number) / 10 ** shape.scale;
    case TAG_STRING: return next() as string;
    case TAG_NUMSTR: {
      const n = Number(next());
      if (!Number.isFinite(n)) throw new DecodeError('number literal is not a finite number');
      return n;
    }
    case TAG_ARRAY: return shape.items.map((item) => buildValue(item, next));
    case TAG_OBJECT: {
      const out: Record<string, JsonValue> = {};
      shape.keys.forEach((key, i) => {
        Object.defineProperty(out, key, { value: buildValue(shape.items[i]!, next), enumerable: true, writable: true, configurable: true });
      });
      return out;
    }
  }
}

/** Decodes a body written by encodeBody; throws DecodeError on anything malformed. */
export function decodeBody(body: Uint8Array, machine: string): EportEvent[] {
  const head = new ByteReader(body, 'packed body');
  const count = head.uvarint();
  let time = head.svarint();
  const metaLen = head.uvarint(), refsLen = head.uvarint(), numsLen = head.uvarint(), timesLen = head.uvarint();
  const start = head.position;
  if (metaLen + refsLen + numsLen + timesLen > body.length - start) throw new DecodeError('packed body: stream lengths exceed the body');
  if (count > metaLen) throw new DecodeError(`packed body: ${count} records cannot fit ${metaLen} meta bytes`);
  let at = start;
  const stream = (name: string, length: number): ByteReader => {
    const reader = new ByteReader(body, name, at, at + length);
    at += length;
    return reader;
  };
  const r = new Reader(
    stream('meta stream', metaLen), stream('refs stream', refsLen), stream('nums stream', numsLen), stream('times stream', timesLen),
    stream('text stream', body.length - start - metaLen - refsLen - numsLen - timesLen),
  );
  const shapes: Shape[] = [];
  for (let i = 0; i < count; i += 1) shapes.push(r.shape());
  // values come shape by shape, slot by slot (see writeValuesBySlot)
  const values: Array<Array<number | string>> = shapes.map(() => []);
  const byShape = new Map<number, number[]>();
  shapes.forEach((shape, i) => {
    const list = byShape.get(shape.index);
    if (list) list.push(i);
    else byShape.set(shape.index, [i]);
  });
  for (const index of [...byShape.keys()].sort((a, b) => a - b)) {
    const records = byShape.get(index)!;
    const kinds = shapes[records[0]!]!.slots;
    for (const kind of kinds) for (const i of records) values[i]!.push(r.slot(kind));
  }
  const events: EportEvent[] = [];
  for (let i = 0; i < count; i += 1) {
    const shape = shapes[i]!;
    const mine = values[i]!;
    let at = 0;
    const next = (): number | string => mine[at++]!;
    time += r.times.svarint();
    if (!Number.isSafeInteger(time)) throw new DecodeError('time out of range');
    let message: string;
    if (shape.skeleton === undefined) {
      message = next() as string;
    } else {
      const numbers: number[] = [];
      for (let p = 0; p < shape.params; p += 1) numbers.push(next() as number);
      message = joinMessage(shape.skeleton, numbers);
    }
    const event: EportEvent = { timeMs: time, machine, severityNumber: shape.flags & SEVERITY_MASK, component: shape.component, message };
    if (shape.context !== undefined) event.context = buildValue(shape.context, next) as Context;
    if ((shape.flags & FLAG_AGGREGATE) !== 0) {
      event.count = next() as number;
      event.lastTimeMs = time + (next() as number);
    }
    events.push(event);
  }
  if (r.meta.remaining !== 0 || r.refs.remaining !== 0 || r.nums.remaining !== 0 || r.times.remaining !== 0 || r.text.remaining !== 0) {
    throw new DecodeError('packed body: trailing bytes after the last record');
  }
  return events;
}

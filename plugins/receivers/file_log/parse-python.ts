// Python logging's `%(asctime)s - %(name)s - %(levelname)s - %(message)s`:
//   2026-01-22 14:30:15,123 - payment - ERROR - Authorization timeout after 30s
// asctime is local time unless the sender configured UTC (option `time_zone`).
//
// A scanner, not a regular expression: this runs for every line, and a match array with ten captures, the date's
// six substrings and BigInt arithmetic were most of the receiver's garbage. It accepts exactly what
//   /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:[,.](\d{1,9}))? - (.+?) - ([A-Za-z]+) - (.*)$/
// accepts, with the same groups (parse-python.test.ts checks it against that expression): the logger name is the
// shortest text before a ` - <letters> - `, so a name may contain ` - ` and so may the message.
import { SEVERITY, levelFromText, msToUnixNano } from '../../../collector/component/index.js';
import type { ParsedLine, TimeZone } from './parsed-line.js';
import { milliFraction } from './unix-nano.js';

/** Characters `.` does not match in the expression above: a line holding one is not a Python record. */
const LINE_TERMINATOR = /[\n\r\u2028\u2029]/;
/** Length of `2026-01-22 14:30:15`. */
const DATE_TIME_LENGTH = 19;
const SEPARATOR = ' - ';
/** Most distinct logger names and level words kept for reuse (see TextCache). */
const MAX_CACHED_TEXTS = 64;
const MAX_CACHED_TEXT_LENGTH = 64;

/** The value of `count` ASCII digits at `from`, or -1 when one of them is not a digit. */
function digitsAt(line: string, from: number, count: number): number {
  let value = 0;
  for (let i = from; i < from + count; i += 1) {
    const digit = line.charCodeAt(i) - 0x30;
    if (!(digit >= 0 && digit <= 9)) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/** Nanoseconds string from whole-second milliseconds and a fraction's digits (`123`, `123456`). */
export function withFraction(secondMs: number, fraction: string | undefined): string {
  if (!fraction) return msToUnixNano(secondMs);
  const nanos = Number(fraction.padEnd(9, '0'));
  return (BigInt(secondMs) * 1_000_000n + BigInt(nanos)).toString();
}

/**
 * The time of a line's `YYYY-MM-DD HH:MM:SS`, cached for the second (consecutive lines usually share it): its
 * milliseconds and the decimal strings its nanoseconds are built from.
 */
export class SecondCache {
  readonly #zone: TimeZone;
  /** `YYYYMMDD` and `hhmmss` of the cached second as numbers (small integers: no allocation); -1 before the first. */
  #date = -1;
  #time = -1;
  #ms = Number.NaN;
  /** msToUnixNano(#ms): the time of a line without a fraction. */
  #unixNano = '0';
  /** `#ms / 1000` in decimal, when #ms is a positive whole second; '' otherwise (then fractions use BigInt). */
  #seconds = '';

  constructor(zone: TimeZone) {
    this.#zone = zone;
  }

  /**
   * Makes the `YYYY-MM-DD hh:mm:ss` (or `…Thh…`) that `line` starts with the second unixNano() answers for; false
   * when the line does not start with one, or it is no valid time. (A boolean, not the milliseconds: returning a
   * number this large would allocate a heap number per line.)
   */
  select(line: string): boolean {
    const y = digitsAt(line, 0, 4);
    const mo = digitsAt(line, 5, 2);
    const d = digitsAt(line, 8, 2);
    const h = digitsAt(line, 11, 2);
    const mi = digitsAt(line, 14, 2);
    const s = digitsAt(line, 17, 2);
    const t = line.charCodeAt(10);
    if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || s < 0 || (t !== 0x20 && t !== 0x54) || line.charCodeAt(4) !== 0x2d ||
      line.charCodeAt(7) !== 0x2d || line.charCodeAt(13) !== 0x3a || line.charCodeAt(16) !== 0x3a) return false;
    const date = (y * 100 + mo) * 100 + d;
    const time = (h * 100 + mi) * 100 + s;
    if (date === this.#date && time === this.#time) return !Number.isNaN(this.#ms);
    const ms = this.#zone === 'utc' ? Date.UTC(y, mo - 1, d, h, mi, s) : new Date(y, mo - 1, d, h, mi, s).getTime();
    this.#date = date;
    this.#time = time;
    this.#ms = ms;
    this.#unixNano = Number.isNaN(ms) ? '0' : msToUnixNano(ms);
    this.#seconds = ms > 0 && ms % 1000 === 0 ? String(ms / 1000) : '';
    return !Number.isNaN(ms);
  }

  /** Unix nanoseconds of the second select() last chose plus the fraction `line[from, from + digits)` (0–9 digits). */
  unixNano(line: string, from: number, digits: number): string {
    if (digits === 0) return this.#unixNano;
    if (this.#seconds === '') return withFraction(this.#ms, line.slice(from, from + digits));
    if (digits === 3) return this.#seconds + milliFraction(digitsAt(line, from, 3));
    const fraction = line.slice(from, from + digits);
    return this.#seconds + (digits === 9 ? fraction : fraction.padEnd(9, '0'));
  }
}

/**
 * Strings that repeat from line to line (logger names, level words), handed out again instead of a new substring
 * per line. Bounded: past MAX_CACHED_TEXTS distinct texts, new ones are simply cut from their line.
 */
class TextCache<T> {
  readonly #texts: string[] = [];
  readonly #values: T[] = [];
  readonly #valueOf: (text: string) => T;

  constructor(valueOf: (text: string) => T) {
    this.#valueOf = valueOf;
  }

  /** Index of the entry for `line[from, to)`, or -1 when it is not cached and the cache is full. */
  find(line: string, from: number, to: number): number {
    const length = to - from;
    const texts = this.#texts;
    for (let i = 0; i < texts.length; i += 1) {
      const text = texts[i]!;
      if (text.length === length && line.startsWith(text, from)) return i;
    }
    if (texts.length >= MAX_CACHED_TEXTS || length > MAX_CACHED_TEXT_LENGTH) return -1;
    // A copy of its own: a substring could keep its whole line alive for as long as the cache lives.
    const text = JSON.parse(JSON.stringify(line.slice(from, to))) as string;
    texts.push(text);
    this.#values.push(this.#valueOf(text));
    return texts.length - 1;
  }

  text(index: number): string {
    return this.#texts[index]!;
  }

  value(index: number): T {
    return this.#values[index]!;
  }
}

/** What one parser instance reuses from line to line: the second's time, logger names and level words. */
export class PythonLineState {
  readonly seconds: SecondCache;
  readonly names = new TextCache<undefined>(() => undefined);
  readonly levels = new TextCache<number | undefined>((text) => {
    const level = levelFromText(text);
    return level === undefined ? undefined : SEVERITY[level];
  });

  constructor(zone: TimeZone) {
    this.seconds = new SecondCache(zone);
  }
}

/** Length of the run of ASCII letters at `from`. */
function lettersAt(line: string, from: number): number {
  let i = from;
  for (;;) {
    const c = line.charCodeAt(i) | 0x20; // lower case; NaN past the end becomes 0x20
    if (c < 0x61 || c > 0x7a) return i - from;
    i += 1;
  }
}

export function parsePython(line: string, state: PythonLineState): ParsedLine | undefined {
  if (line.length < DATE_TIME_LENGTH + 3 * SEPARATOR.length + 2) return undefined;
  if (!state.seconds.select(line)) return undefined;
  // Optional fraction: `,` or `.` and 1–9 digits, which must then be followed by the separator.
  let fractionDigits = 0;
  let at = DATE_TIME_LENGTH;
  const mark = line.charCodeAt(at);
  if (mark === 0x2c || mark === 0x2e) {
    while (fractionDigits <= 9 && digitsAt(line, at + 1 + fractionDigits, 1) >= 0) fractionDigits += 1;
    if (fractionDigits === 0 || fractionDigits > 9) return undefined;
    at += 1 + fractionDigits;
  }
  if (!line.startsWith(SEPARATOR, at)) return undefined;
  const nameFrom = at + SEPARATOR.length;
  if (LINE_TERMINATOR.test(line)) return undefined;
  // The shortest logger name (at least one character) after which ` - <letters> - ` follows.
  for (let sep = line.indexOf(SEPARATOR, nameFrom + 1); sep !== -1; sep = line.indexOf(SEPARATOR, sep + 1)) {
    const levelFrom = sep + SEPARATOR.length;
    const letters = lettersAt(line, levelFrom);
    if (letters === 0 || !line.startsWith(SEPARATOR, levelFrom + letters)) continue;
    const level = state.levels.find(line, levelFrom, levelFrom + letters);
    const severityNumber = level === -1 ? levelNumber(line.slice(levelFrom, levelFrom + letters)) : state.levels.value(level);
    if (severityNumber === undefined) return undefined;
    const name = state.names.find(line, nameFrom, sep);
    return {
      timeUnixNano: state.seconds.unixNano(line, DATE_TIME_LENGTH + 1, fractionDigits),
      severityNumber,
      severityText: level === -1 ? line.slice(levelFrom, levelFrom + letters) : state.levels.text(level),
      body: line.slice(levelFrom + letters + SEPARATOR.length),
      attributes: { component: name === -1 ? line.slice(nameFrom, sep) : state.names.text(name) },
    };
  }
  return undefined;
}

function levelNumber(text: string): number | undefined {
  const level = levelFromText(text);
  return level === undefined ? undefined : SEVERITY[level];
}

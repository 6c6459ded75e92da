// Python logging's `%(asctime)s - %(name)s - %(levelname)s - %(message)s`:
//   2026-01-22 14:30:15,123 - payment - ERROR - Authorization timeout after 30s
// asctime is local time unless the sender configured UTC (option `time_zone`).
import { SEVERITY, levelFromText, msToUnixNano } from '../../../collector/component/index.js';
import type { ParsedLine, TimeZone } from './parsed-line.js';

const PYTHON_LINE = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:[,.](\d{1,9}))? - (.+?) - ([A-Za-z]+) - (.*)$/;

/** Milliseconds of a calendar time, cached for the second (consecutive lines usually share it). */
export class SecondCache {
  #key = '';
  #ms = 0;
  readonly #zone: TimeZone;
  constructor(zone: TimeZone) {
    this.#zone = zone;
  }
  ms(y: string, mo: string, d: string, h: string, mi: string, s: string): number {
    const key = y + mo + d + h + mi + s;
    if (key !== this.#key) {
      const args = [Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)] as const;
      this.#ms = this.#zone === 'utc' ? Date.UTC(...args) : new Date(...args).getTime();
      this.#key = key;
    }
    return this.#ms;
  }
}

/** Nanoseconds string from whole-second milliseconds and a fraction's digits (`123`, `123456`). */
export function withFraction(secondMs: number, fraction: string | undefined): string {
  if (!fraction) return msToUnixNano(secondMs);
  const nanos = Number(fraction.padEnd(9, '0'));
  return (BigInt(secondMs) * 1_000_000n + BigInt(nanos)).toString();
}

export function parsePython(line: string, seconds: SecondCache): ParsedLine | undefined {
  const m = PYTHON_LINE.exec(line);
  if (!m) return undefined;
  const level = levelFromText(m[9]!);
  if (level === undefined) return undefined;
  const ms = seconds.ms(m[1]!, m[2]!, m[3]!, m[4]!, m[5]!, m[6]!);
  if (Number.isNaN(ms)) return undefined;
  return {
    timeUnixNano: withFraction(ms, m[7]),
    severityNumber: SEVERITY[level],
    severityText: m[9]!,
    body: m[10]!,
    attributes: { component: m[8]! },
  };
}

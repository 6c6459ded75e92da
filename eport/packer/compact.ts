// The PRD's human-readable compact line `MACHINE|MMDD-HHMM|L|COMPONENT|MESSAGE|CONTEXT` (lossy by design:
// minute resolution, no year, abbreviated and truncated message, key context only) and its parser.
import { SEVERITY, levelFromText, levelLetter } from '../../collector/component/index.js';
import type { Context, EportEvent, JsonValue } from './event.js';

export const COMPACT_MESSAGE_MAX_CHARS = 30;
export const COMPACT_CONTEXT_MAX_CHARS = 16;
export const COMPACT_COMPONENT_MAX_CHARS = 12;

/** Word abbreviations applied before truncation (the PRD's "Authorization timeout after 30s" → "Auth timeout 30s"). */
const MESSAGE_ABBREVIATIONS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bAuthorization\b/g, 'Auth'],
  [/\bauthorization\b/g, 'auth'],
  [/\s+after\s+/g, ' '],
  [/\bTransaction\b/g, 'Txn'],
  [/\bTemperature\b/g, 'Temp'],
  [/\brecalibrating\b/g, 'recal'],
  [/\bseconds\b/g, 's'],
];

/** Context key abbreviations (transaction_id → txn, as in the PRD's `txn:abc123`). */
const CONTEXT_KEY_ABBREVIATIONS: Readonly<Record<string, string>> = {
  transaction_id: 'txn', txn_id: 'txn', amount_cents: 'amt', retry_count: 'retry', product: 'prod',
  expected: 'exp', actual: 'act', celsius: 'c', duration_ms: 'ms',
};

function clean(text: string): string {
  return text.replace(/[|\r\n]/g, (c) => (c === '|' ? '/' : ' '));
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** MMDD-HHMM in UTC. */
export function compactTime(timeMs: number): string {
  const d = new Date(timeMs);
  return `${pad2(d.getUTCMonth() + 1)}${pad2(d.getUTCDate())}-${pad2(d.getUTCHours())}${pad2(d.getUTCMinutes())}`;
}

export function compactMessage(message: string): string {
  let text = clean(message);
  for (const [pattern, replacement] of MESSAGE_ABBREVIATIONS) text = text.replace(pattern, replacement);
  return Array.from(text.trim()).slice(0, COMPACT_MESSAGE_MAX_CHARS).join('');
}

function contextValueText(value: JsonValue): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return clean(text).replace(/[,:]/g, '.');
}

/** Key context pairs `key:value`, comma-joined, whole pairs up to the limit (the first pair truncated if alone too long). */
export function compactContext(context: Context | undefined): string {
  if (context === undefined) return '';
  let out = '';
  for (const [key, value] of Object.entries(context)) {
    const keyText = contextValueText(CONTEXT_KEY_ABBREVIATIONS[key] ?? key);
    const valueText = contextValueText(value);
    const pair = valueText === '' ? keyText : `${keyText}:${valueText}`;
    const next = out === '' ? pair : `${out},${pair}`;
    if (next.length > COMPACT_CONTEXT_MAX_CHARS) {
      if (out === '') out = Array.from(pair).slice(0, COMPACT_CONTEXT_MAX_CHARS).join('');
      break;
    }
    out = next;
  }
  return out;
}

/** One compact line for an event (an aggregate reads `5x Card declined` with `last:MMDD-HHMM`). */
export function formatCompactLine(event: EportEvent): string {
  let message = compactMessage(event.message);
  let context = compactContext(event.context);
  if (event.count !== undefined) {
    message = Array.from(`${event.count}x ${message}`).slice(0, COMPACT_MESSAGE_MAX_CHARS).join('');
    context = `last:${compactTime(event.lastTimeMs ?? event.timeMs)}`;
  }
  const component = Array.from(clean(event.component)).slice(0, COMPACT_COMPONENT_MAX_CHARS).join('');
  const fields = [clean(event.machine), compactTime(event.timeMs), levelLetter(event.severityNumber), component, message];
  if (context !== '') fields.push(context);
  return fields.join('|');
}

export type CompactParse = { ok: true; event: EportEvent } | { ok: false; reason: string };

const TIME = /^(\d{2})(\d{2})-(\d{2})(\d{2})$/;
const DAY_MS = 86_400_000;

/**
 * The Unix ms of MMDD-HHMM: the latest such time not more than a day after `receivedAtMs` (frames are forwarded
 * within days, so the year is the receive year, or the one before just after New Year). Undefined if invalid.
 */
export function inferTime(text: string, receivedAtMs: number): number | undefined {
  const m = TIME.exec(text);
  if (!m) return undefined;
  const [month, day, hour, minute] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59) return undefined;
  const year = new Date(receivedAtMs).getUTCFullYear();
  for (const y of [year + 1, year, year - 1, year - 2, year - 3, year - 4]) {
    const t = Date.UTC(y, month - 1, day, hour, minute);
    const d = new Date(t);
    if (d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) continue; // 29 Feb in a common year
    if (t <= receivedAtMs + DAY_MS) return t;
  }
  return undefined;
}

function parseContext(text: string): Context | undefined {
  if (text === '') return undefined;
  const out: Record<string, JsonValue> = {};
  for (const pair of text.split(',')) {
    const at = pair.indexOf(':');
    const key = at < 0 ? pair : pair.slice(0, at);
    const raw = at < 0 ? '' : pair.slice(at + 1);
    const value: JsonValue = /^-?\d+(\.\d+)?$/.test(raw) && Number.isFinite(Number(raw)) ? Number(raw) : raw;
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** Parses one compact line; never throws. */
export function parseCompactLine(line: string, receivedAtMs: number): CompactParse {
  if (line.length > 4096) return { ok: false, reason: 'line longer than 4096 characters' };
  const fields = line.split('|');
  if (fields.length < 5 || fields.length > 6) return { ok: false, reason: `expected 5 or 6 '|'-separated fields, got ${fields.length}` };
  const [machine, time, letter, component, message, context = ''] = fields as [string, string, string, string, string, string?];
  if (machine === '') return { ok: false, reason: 'empty machine id' };
  const timeMs = inferTime(time, receivedAtMs);
  if (timeMs === undefined) return { ok: false, reason: `bad time ${JSON.stringify(time.slice(0, 20))} (want MMDD-HHMM)` };
  const level = letter.length === 1 ? levelFromText(letter) : undefined;
  if (level === undefined) return { ok: false, reason: `bad level ${JSON.stringify(letter.slice(0, 20))} (want D, I, W, E or C)` };
  const event: EportEvent = { timeMs, machine, severityNumber: SEVERITY[level], component, message };
  const aggregate = /^(\d{1,9})x (.*)$/.exec(message);
  if (aggregate && context.startsWith('last:')) {
    const last = inferTime(context.slice(5), receivedAtMs);
    if (last === undefined) return { ok: false, reason: 'bad last: time of an aggregate' };
    event.message = aggregate[2]!;
    event.count = Number(aggregate[1]);
    event.lastTimeMs = last < timeMs ? last + 365 * DAY_MS : last;
    return { ok: true, event };
  }
  const parsed = parseContext(context);
  if (parsed !== undefined) event.context = parsed;
  return { ok: true, event };
}

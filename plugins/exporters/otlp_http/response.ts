// What an OTLP/HTTP answer means for the batch (OTLP spec, "OTLP/HTTP Response" and "Failures"):
//   2xx                      ok (partial_success: the server kept some records and rejected the rest for good)
//   408 429 502 503 504      retry, honouring Retry-After (seconds or an HTTP date)
//   any other status         drop: the server will never take this batch (dead letters, replayable)
// The body of a failure is a google.rpc.Status (protobuf or JSON); its message goes into the reason.
import { decodeResponse } from './decode-response.js';

export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 502, 503, 504]);
/** Retry-After values beyond this are capped: a device should not go quiet for days on a server's word. */
export const MAX_RETRY_AFTER_MS = 15 * 60_000;

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export type Classified =
  | { kind: 'ok'; rejectedRecords: number; errorMessage: string }
  | { kind: 'retry'; reason: string; retryAfterMs?: number }
  | { kind: 'drop'; reason: string };

/** Milliseconds to wait from a Retry-After header value (delta-seconds or HTTP-date); undefined when absent or bad. */
export function parseRetryAfterMs(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Math.min(Number(text) * 1000, MAX_RETRY_AFTER_MS);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.min(Math.max(at - nowMs, 0), MAX_RETRY_AFTER_MS);
}

function header(answer: HttpAnswer, name: string): string | undefined {
  const value = answer.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The `message` of a google.rpc.Status body (field 2), JSON `message`, or the start of a text body. */
export function statusMessage(body: Buffer, contentType: string): string {
  if (body.length === 0) return '';
  if (contentType.includes('json')) {
    try {
      const parsed = JSON.parse(body.toString('utf8')) as { message?: unknown; error?: { message?: unknown } };
      const message = parsed.message ?? parsed.error?.message;
      if (typeof message === 'string') return message;
    } catch { /* fall through to text */ }
  }
  if (contentType.includes('protobuf')) {
    let i = 0;
    const varint = (): number => {
      let value = 0;
      for (let shift = 0; i < body.length && shift < 35; shift += 7) {
        const byte = body[i++]!;
        value += (byte & 0x7f) * 2 ** shift;
        if (byte < 0x80) break;
      }
      return value;
    };
    while (i < body.length) {
      const tag = varint();
      const wire = tag & 7;
      if (wire === 0) varint();
      else if (wire === 2) {
        const length = varint();
        if ((tag >>> 3) === 2) return body.toString('utf8', i, Math.min(i + length, body.length));
        i += length;
      } else break;
    }
    return '';
  }
  return body.toString('utf8', 0, Math.min(body.length, 300)).trim();
}

export function classifyAnswer(answer: HttpAnswer, nowMs: number): Classified {
  const contentType = header(answer, 'content-type') ?? '';
  if (answer.status >= 200 && answer.status < 300) {
    const partial = decodeResponse(answer.body, contentType).partialSuccess;
    return { kind: 'ok', rejectedRecords: Number(partial?.rejectedLogRecords ?? 0) || 0, errorMessage: partial?.errorMessage ?? '' };
  }
  const message = statusMessage(answer.body, contentType);
  const reason = `HTTP ${answer.status}${message ? `: ${message}` : ''}`;
  if (RETRYABLE_STATUSES.has(answer.status)) {
    const retryAfterMs = parseRetryAfterMs(header(answer, 'retry-after'), nowMs);
    return retryAfterMs === undefined ? { kind: 'retry', reason } : { kind: 'retry', reason, retryAfterMs };
  }
  return { kind: 'drop', reason };
}

// What an exporter's send() says happened. The outcome is a value, not an exception whose meaning the
// caller has to guess (DESIGN §9.6): the host's delivery helper acts on it.

export type SendResult =
  /** The destination has the batch durably. */
  | { readonly outcome: 'ok'; readonly acceptedRecords?: number; readonly rejectedRecords?: number; readonly message?: string }
  /** Try the same batch again later; `retryAfterMs` is the destination's own hint (Retry-After). */
  | { readonly outcome: 'retry'; readonly reason: string; readonly retryAfterMs?: number }
  /** The destination will never take this batch: it goes to the dead-letter folder. */
  | { readonly outcome: 'drop'; readonly reason: string };

export function sendOk(details: { acceptedRecords?: number; rejectedRecords?: number; message?: string } = {}): SendResult {
  return { outcome: 'ok', ...details };
}

export function sendRetry(reason: string, retryAfterMs?: number): SendResult {
  return retryAfterMs === undefined ? { outcome: 'retry', reason } : { outcome: 'retry', reason, retryAfterMs };
}

export function sendDrop(reason: string): SendResult {
  return { outcome: 'drop', reason };
}

// Exponential backoff with jitter: initial × multiplier^attempt, capped, spread by ±jitter, never above the cap.
import type { DeliveryConfig } from './config.js';

export function backoffDelayMs(retry: DeliveryConfig['retry'], attempt: number, random: () => number = Math.random): number {
  const base = Math.min(retry.maxIntervalMs, retry.initialIntervalMs * retry.multiplier ** Math.min(attempt, 64));
  const spread = base * retry.jitter * (2 * random() - 1);
  return Math.max(0, Math.min(retry.maxIntervalMs, Math.round(base + spread)));
}

/** The wait after a retry outcome: the destination's Retry-After when it gave one, else the backoff. */
export function retryDelayMs(retry: DeliveryConfig['retry'], attempt: number, retryAfterMs: number | undefined, random?: () => number): number {
  if (retryAfterMs !== undefined && Number.isFinite(retryAfterMs) && retryAfterMs >= 0) return Math.round(retryAfterMs);
  return backoffDelayMs(retry, attempt, random);
}

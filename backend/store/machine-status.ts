// The status rule of a machine (documented in docs/api.md, "Machine status"):
//   offline  — nothing received for more than `offlineAfterMs` (default 30 min), or never seen;
//   degraded — seen recently, but the last heartbeat is older than `heartbeatStaleMs` (default 10 min = two
//              missed 5-minute heartbeats) or missing, or ≥ 1 CRITICAL in the last hour, or ≥ `degradedErrorsPerHour`
//              (default 10) ERROR-or-worse records in the last hour;
//   online   — otherwise.
// Liveness uses the server's receive time (Pi clocks drift); error counts use the records' own time.

export type MachineStatus = 'online' | 'degraded' | 'offline';

export interface StatusRule {
  readonly offlineAfterMs: number;
  readonly heartbeatStaleMs: number;
  readonly degradedErrorsPerHour: number;
}

export const DEFAULT_STATUS_RULE: StatusRule = Object.freeze({
  offlineAfterMs: 30 * 60_000,
  heartbeatStaleMs: 10 * 60_000,
  degradedErrorsPerHour: 10,
});

export interface MachineHealthFacts {
  /** Unix ms of the last record received, undefined if never. */
  readonly lastSeenMs: number | undefined;
  /** Unix ms of the last heartbeat received, undefined if never. */
  readonly lastHeartbeatMs: number | undefined;
  readonly errorsLastHour: number;
  readonly criticalsLastHour: number;
}

export interface StatusVerdict {
  readonly status: MachineStatus;
  readonly reasons: readonly string[];
}

export function machineStatus(facts: MachineHealthFacts, nowMs: number, rule: StatusRule = DEFAULT_STATUS_RULE): StatusVerdict {
  if (facts.lastSeenMs === undefined) return { status: 'offline', reasons: ['never seen'] };
  const silentMs = nowMs - facts.lastSeenMs;
  if (silentMs > rule.offlineAfterMs) {
    return { status: 'offline', reasons: [`nothing received for ${Math.round(silentMs / 60_000)} min`] };
  }
  const reasons: string[] = [];
  if (facts.lastHeartbeatMs === undefined) reasons.push('no heartbeat received');
  else if (nowMs - facts.lastHeartbeatMs > rule.heartbeatStaleMs) {
    reasons.push(`last heartbeat ${Math.round((nowMs - facts.lastHeartbeatMs) / 60_000)} min ago`);
  }
  if (facts.criticalsLastHour > 0) reasons.push(`${facts.criticalsLastHour} CRITICAL in the last hour`);
  if (facts.errorsLastHour >= rule.degradedErrorsPerHour) reasons.push(`${facts.errorsLastHour} errors in the last hour`);
  return { status: reasons.length > 0 ? 'degraded' : 'online', reasons };
}

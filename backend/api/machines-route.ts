// GET /api/machines and GET /api/machines/:id/status — the registry with last seen, last heartbeat, error and
// critical counts (last hour, last 24 h) and the status from store/machine-status.ts.
import type { Request, Response } from 'express';
import { ApiError } from '../errors.js';
import { machineStatus, type StatusRule } from '../store/machine-status.js';
import type { MachineActivity, Store } from '../store/store.js';

function msOrUndefined(text: string | undefined): number | undefined {
  const ms = Number(text ?? 0);
  return ms > 0 ? ms : undefined;
}

export function machineView(m: MachineActivity, nowMs: number, rule: StatusRule): Record<string, unknown> {
  const lastSeenMs = msOrUndefined(m.last_seen_ms);
  const lastHeartbeatMs = msOrUndefined(m.last_heartbeat_ms);
  const lastEventMs = msOrUndefined(m.last_event_ms);
  const facts = { lastSeenMs, lastHeartbeatMs, errorsLastHour: Number(m.errors_1h ?? 0), criticalsLastHour: Number(m.criticals_1h ?? 0) };
  const verdict = machineStatus(facts, nowMs, rule);
  const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());
  return {
    machine_id: m.machine_id,
    name: m.name,
    site: m.site,
    location: m.location,
    created_at: m.created_at === '' ? null : m.created_at,
    registered: Number(m.registered) === 1,
    status: verdict.status,
    status_reasons: verdict.reasons,
    last_seen: iso(lastSeenMs),
    last_heartbeat: iso(lastHeartbeatMs),
    last_event_time: iso(lastEventMs),
    errors_last_hour: facts.errorsLastHour,
    criticals_last_hour: facts.criticalsLastHour,
    errors_last_day: Number(m.errors_24h ?? 0),
    criticals_last_day: Number(m.criticals_24h ?? 0),
  };
}

export function machinesHandler(store: Store, rule: StatusRule, now: () => number): (req: Request, res: Response) => Promise<void> {
  return async (_req, res) => {
    const nowMs = now();
    const rows = await store.machineActivity(nowMs);
    res.json({ machines: rows.map((m) => machineView(m, nowMs, rule)) });
  };
}

export function machineStatusHandler(store: Store, rule: StatusRule, now: () => number): (req: Request, res: Response) => Promise<void> {
  return async (req, res) => {
    const id = String(req.params.id ?? '');
    const nowMs = now();
    const [row] = await store.machineActivity(nowMs, id);
    if (!row) throw new ApiError('FLEETLOG_ERR_NOT_FOUND', `no machine '${id}': not in the registry and never seen`);
    res.json(machineView(row, nowMs, rule));
  };
}

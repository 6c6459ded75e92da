// Component status (OpenTelemetry's component status model): a small state machine per component, kept by the
// host, shown by the heartbeat and the metrics (`fleetlog_component_status{status="…"}` is 1 for the current one).
//
//   starting ─► ok ◄─► recoverable_error
//      │         │            │
//      └─────────┴──► permanent_error (sticky)
//   any ─► stopping ─► stopped
import type { ComponentStatus, Gauge, Kind } from '../component/contract.js';

const ALLOWED: Readonly<Record<ComponentStatus, readonly ComponentStatus[]>> = {
  starting: ['ok', 'recoverable_error', 'permanent_error', 'stopping'],
  ok: ['recoverable_error', 'permanent_error', 'stopping'],
  recoverable_error: ['ok', 'recoverable_error', 'permanent_error', 'stopping'],
  permanent_error: ['stopping'],
  stopping: ['stopped'],
  stopped: [],
};

export const STATUSES: readonly ComponentStatus[] = ['starting', 'ok', 'recoverable_error', 'permanent_error', 'stopping', 'stopped'];

export interface StatusEntry {
  readonly kind: Kind;
  readonly id: string;
  readonly status: ComponentStatus;
  readonly error?: string;
  /** When the component entered this status (ms since the epoch). */
  readonly sinceMs: number;
}

export function canTransition(from: ComponentStatus, to: ComponentStatus): boolean {
  return ALLOWED[from].includes(to);
}

export class StatusBoard {
  readonly #entries = new Map<string, StatusEntry>();
  readonly #gauge: Gauge | undefined;
  readonly #now: () => number;

  constructor(options: { gauge?: Gauge; now?: () => number } = {}) {
    this.#gauge = options.gauge;
    this.#now = options.now ?? Date.now;
  }

  /** Registers a component as `starting`. */
  add(kind: Kind, id: string): void {
    this.#set({ kind, id, status: 'starting', sinceMs: this.#now() });
  }

  /** Applies a reported status; returns false (and changes nothing) for a transition the model does not allow. */
  report(kind: Kind, id: string, status: ComponentStatus, error?: Error): boolean {
    const key = `${kind}:${id}`;
    const current = this.#entries.get(key);
    if (!current) {
      this.#set({ kind, id, status, sinceMs: this.#now(), ...(error ? { error: error.message } : {}) });
      return true;
    }
    if (current.status === status && status !== 'recoverable_error') return true;
    if (!canTransition(current.status, status)) return false;
    this.#set({ kind, id, status, sinceMs: this.#now(), ...(error ? { error: error.message } : {}) });
    return true;
  }

  get(kind: Kind, id: string): StatusEntry | undefined {
    return this.#entries.get(`${kind}:${id}`);
  }

  snapshot(): StatusEntry[] {
    return [...this.#entries.values()];
  }

  #set(entry: StatusEntry): void {
    this.#entries.set(`${entry.kind}:${entry.id}`, entry);
    if (this.#gauge) {
      for (const status of STATUSES) this.#gauge.set(status === entry.status ? 1 : 0, { kind: entry.kind, id: entry.id, status });
    }
  }
}

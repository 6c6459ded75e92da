// The heartbeat (issue 5): every `service.heartbeat.interval` the host puts one `fleetlog.heartbeat` record into
// every exporter that some pipeline ends in, so the backend can tell "quiet" from "dead" and see a device's queue
// depth, losses and disk headroom without asking it.
import { statfsSync } from 'node:fs';
import type { Counter, Logger } from '../component/contract.js';
import { errorMessage } from '../component/errors.js';
import { nowUnixNano, SEVERITY, type AttributeValue, type LogRecord } from '../component/log-record.js';
import type { ServiceConfig } from '../config/config-types.js';
import type { GraphStats, PipelineGraph } from './graph.js';
import { BOOT_ID } from './boot-id.js';

export const HEARTBEAT_EVENT_NAME = 'fleetlog.heartbeat';


/** Free bytes for unprivileged writers on the filesystem holding `path` (undefined when unknown). */
export function freeBytes(path: string): number | undefined {
  try {
    const fs = statfsSync(path);
    return Number(fs.bavail) * Number(fs.bsize);
  } catch {
    return undefined;
  }
}

export interface HeartbeatOptions {
  readonly config: ServiceConfig;
  readonly graph: PipelineGraph;
  readonly stats: () => GraphStats & { uptimeSeconds: number };
  readonly logger: Logger;
  readonly counter: Counter;
  readonly version: string;
}

/** The heartbeat record: fleetlog's view of itself right now. */
export function heartbeatRecord(stats: GraphStats & { uptimeSeconds: number }, storageDirectory: string, bootId: string, version: string): LogRecord {
  const exporters: Record<string, AttributeValue> = {};
  let dropped = 0;
  let deadLettered = 0;
  for (const [id, s] of Object.entries(stats.exporters)) {
    exporters[id] = { queue_bytes: s.queuedBytes, queue_records: s.queuedRecords, oldest_unsent_age_seconds: Math.round(s.oldestUnsentAgeSeconds), dead_lettered_records: s.deadLetteredRecords, dropped_records: s.droppedByPolicyRecords };
    dropped += s.droppedByPolicyRecords;
    deadLettered += s.deadLetteredRecords;
  }
  const unhealthy = stats.components.filter((c) => c.status === 'recoverable_error' || c.status === 'permanent_error').map((c) => `${c.kind}:${c.id}`);
  const now = nowUnixNano();
  const free = freeBytes(storageDirectory);
  return {
    timeUnixNano: now,
    observedTimeUnixNano: now,
    severityNumber: SEVERITY.INFO,
    severityText: 'INFO',
    body: 'fleetlog heartbeat',
    eventName: HEARTBEAT_EVENT_NAME,
    bootId,
    attributes: {
      'event.name': HEARTBEAT_EVENT_NAME,
      component: 'fleetlog',
      'fleetlog.version': version,
      'fleetlog.boot_id': bootId,
      'fleetlog.uptime_seconds': Math.round(stats.uptimeSeconds),
      'fleetlog.exporters': exporters,
      'fleetlog.dropped_records': dropped,
      'fleetlog.dead_lettered_records': deadLettered,
      'fleetlog.unhealthy_components': unhealthy,
      ...(free === undefined ? {} : { 'fleetlog.disk_free_bytes': free }),
    },
  };
}

export class Heartbeat {
  readonly #o: HeartbeatOptions;
  readonly #bootId = BOOT_ID;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: HeartbeatOptions) {
    this.#o = options;
  }

  start(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => { void this.beat(); }, this.#o.config.heartbeat.intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Emits one heartbeat into every exporter some pipeline ends in. Failures are logged, never thrown. */
  async beat(): Promise<void> {
    const record = heartbeatRecord(this.#o.stats(), this.#o.config.storageDirectory, this.#bootId, this.#o.version);
    const ids = new Set([...this.#o.graph.pipelineExporters.values()].flat());
    const results = await Promise.allSettled([...ids].map((id) =>
      this.#o.graph.exporters.get(id)!.consume({ resource: { ...this.#o.config.resource }, records: [structuredClone(record)] })));
    this.#o.counter.add(1);
    results.forEach((result, i) => {
      if (result.status === 'rejected') this.#o.logger.warn('Heartbeat not queued.', { exporter: [...ids][i], error: errorMessage(result.reason) });
    });
  }
}

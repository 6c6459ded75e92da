// Mounts the ePort ingest on the backend app: POST /api/eport/payloads, and the drop-folder watcher when
// `eport.drop_dir` is set. close() stops the watcher (call it before the insert batcher closes).
import type { Express } from 'express';
import type { EportBackendConfig } from './eport-config.js';
import { EportDropWatcher } from './eport-drop-watcher.js';
import { EportIngest } from './eport-ingest.js';
import { eportPayloadsHandler } from './eport-route.js';
import type { IngestDeps } from './ingest-deps.js';

export interface MountedEport {
  readonly ingest: EportIngest;
  readonly watcher: EportDropWatcher | undefined;
  /** Resolves once the watcher has started (its first scan is under way). */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

export function mountEport(app: Express, deps: IngestDeps, config: EportBackendConfig | undefined): MountedEport {
  const ingest = new EportIngest({ batcher: deps.batcher, maxFutureSkewMs: deps.ingest.maxFutureSkewMs, now: deps.now });
  app.post('/api/eport/payloads', eportPayloadsHandler(deps, ingest, {
    bridgeKeys: config?.bridgeKeys ?? [],
    ...(config?.rejectedDir !== undefined ? { rejectedDir: config.rejectedDir } : {}),
  }));
  const errors = { count: 0 };
  deps.metrics.gauge('fleetlog_backend_eport_payloads_total', 'ePort payloads stored.', () => ingest.stats.payloads);
  deps.metrics.gauge('fleetlog_backend_eport_duplicate_payloads_total', 'ePort payloads received again and not stored twice.', () => ingest.stats.duplicates);
  deps.metrics.gauge('fleetlog_backend_eport_rejected_payloads_total', 'ePort payloads that could not be read (kept in the rejected folder).', () => ingest.stats.rejected);
  deps.metrics.gauge('fleetlog_backend_eport_lossy_payloads_total', 'ePort payloads the device had to aggregate or cut.', () => ingest.stats.lossyPayloads);
  deps.metrics.gauge('fleetlog_backend_eport_drop_errors_total', 'Drop-folder scans or files that failed (retried).', () => errors.count);
  const watcher = config?.dropDir === undefined ? undefined : new EportDropWatcher(ingest, {
    dropDir: config.dropDir, pollMs: config.pollMs,
    ...(config.rejectedDir !== undefined ? { rejectedDir: config.rejectedDir } : {}),
    onError: () => { errors.count += 1; },
  });
  const ready = watcher === undefined ? Promise.resolve() : watcher.start().catch(() => { errors.count += 1; });
  let closing: Promise<void> | undefined;
  return {
    ingest, watcher, ready,
    close: () => (closing ??= ready.then(() => watcher?.close())),
  };
}

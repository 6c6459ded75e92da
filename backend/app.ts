// createApp(deps) builds the backend's express app (no listen; server.ts does that). Routes:
//   GET  /healthz, GET /metrics
//   POST /v1/logs (OTLP/HTTP), POST /api/logs (PRD JSON)         — device keys
//   GET  /api/logs, /api/logs/export, /api/machines, /api/machines/:id/status — admin token
//   POST /api/keys, GET /api/keys, DELETE /api/keys/:id                          — admin token
// Every error is `{ "error": { "code", "message" } }` with a code from errors.ts (OTLP errors are Status bodies).
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { checkAdminToken } from './auth/admin-token.js';
import { DeviceKeys } from './auth/device-keys.js';
import type { BackendConfig } from './config.js';
import { ApiError, errorBody, isApiError } from './errors.js';
import { InsertBatcher } from './ingest/insert-batcher.js';
import type { IngestDeps } from './ingest/ingest-deps.js';
import { otlpLogsHandler } from './ingest/otlp-route.js';
import { simpleLogsHandler } from './ingest/simple-route.js';
import { mountEport, type MountedEport } from './ingest/eport-mount.js';
import { BackendMetrics } from './metrics.js';
import { ExportGate } from './api/export-gate.js';
import { exportHandler } from './api/export-route.js';
import { logsHandler } from './api/logs-route.js';
import { machineStatusHandler, machinesHandler } from './api/machines-route.js';
import { createKeyHandler, listKeysHandler, revokeKeyHandler } from './api/keys-route.js';
import { simplePageHandler } from './web/simple-page.js';
import type { Store } from './store/store.js';

export interface AppDeps {
  readonly store: Store;
  readonly config: BackendConfig;
  /** Clock (Unix ms); tests move it. */
  readonly now?: () => number;
}

export interface BackendApp {
  readonly app: Express;
  readonly store: Store;
  readonly batcher: InsertBatcher;
  readonly keys: DeviceKeys;
  readonly metrics: BackendMetrics;
  /** Exports streaming / waiting in line. */
  readonly exportGate: ExportGate;
  /** The ingest dependencies, for other ingest paths (ePort drop folder) that call storeRecords. */
  readonly ingest: IngestDeps;
  /** The ePort payload ingest (route + drop-folder watcher). */
  readonly eport: MountedEport;
  /** Stores what is waiting and refuses further ingest; idempotent. Does not close the store. */
  close(): Promise<void>;
}

export function createApp(deps: AppDeps): BackendApp {
  const { store, config } = deps;
  const now = deps.now ?? Date.now;
  const metrics = new BackendMetrics();
  const batcher = new InsertBatcher((rows) => store.insertLogRows(rows), {
    maxRows: config.ingest.batchMaxRows, maxDelayMs: config.ingest.batchMaxDelayMs, maxPendingRows: config.ingest.maxPendingRows,
    concurrency: config.ingest.insertConcurrency,
  });
  metrics.gauge('fleetlog_backend_pending_rows', 'Rows waiting to be inserted.', () => batcher.pendingRows);
  metrics.gauge('fleetlog_backend_inserted_rows_total', 'Rows inserted into the store.', () => batcher.stats.insertedRows);
  metrics.gauge('fleetlog_backend_inserts_total', 'Insert statements run.', () => batcher.stats.inserts);
  metrics.gauge('fleetlog_backend_insert_failures_total', 'Insert statements that failed (503 to their requests, or 400 when the store refused the data).', () => batcher.stats.failedInserts);
  metrics.gauge('fleetlog_backend_insert_seconds_total', 'Time spent in inserts.', () => batcher.stats.insertSeconds);
  const exportGate = new ExportGate({ maxConcurrent: config.exports.maxConcurrent, maxWaitMs: config.exports.queueWaitMs });
  metrics.gauge('fleetlog_backend_exports_running', 'Exports streaming now.', () => exportGate.running);
  metrics.gauge('fleetlog_backend_exports_waiting', 'Exports waiting in line for a place.', () => exportGate.waiting);
  const keys = new DeviceKeys(store);
  const ingest: IngestDeps = { keys, batcher, ingest: config.ingest, metrics, now };

  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use((req, res, next) => {
    res.once('finish', () => {
      const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
      metrics.add('fleetlog_backend_http_requests_total', { route: `${req.method} ${route}`, status: String(res.statusCode) });
    });
    next();
  });

  app.get('/healthz', async (_req, res) => {
    try {
      await store.engine.query('SELECT 1 AS ok');
      res.json({ status: 'ok', engine: store.engine.kind, pending_rows: batcher.pendingRows });
    } catch (error) {
      res.status(503).json(errorBody('FLEETLOG_ERR_BACKPRESSURE', `the store does not answer: ${(error as Error).message}`));
    }
  });
  app.get('/metrics', (_req, res) => {
    res.type('text/plain; version=0.0.4').send(metrics.render());
  });

  app.post('/v1/logs', otlpLogsHandler(ingest));
  app.post('/api/logs', simpleLogsHandler(ingest));
  const eport = mountEport(app, ingest, config.eport);

  const admin = (req: Request, _res: Response, next: NextFunction): void => {
    checkAdminToken(req.headers.authorization, config.adminToken);
    next();
  };
  app.get('/api/logs', admin, logsHandler(store, now));
  app.get('/api/logs/export', admin, exportHandler({ store, gate: exportGate, config: config.exports, metrics }));
  app.get('/api/machines', admin, machinesHandler(store, config.status, now));
  app.get('/api/machines/:id/status', admin, machineStatusHandler(store, config.status, now));
  app.post('/api/keys', admin, createKeyHandler(keys));
  app.get('/api/keys', admin, listKeysHandler(keys));
  app.delete('/api/keys/:id', admin, revokeKeyHandler(keys));
  app.get('/', simplePageHandler()); // a simple page of machines and recent logs until the dashboard exists

  app.use((req, _res, next) => {
    next(new ApiError('FLEETLOG_ERR_NOT_FOUND', `no route ${req.method} ${req.path}`));
  });
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const apiError = isApiError(error)
      ? error
      : new ApiError('FLEETLOG_ERR_INTERNAL_API', `unexpected failure: ${(error as Error)?.message ?? String(error)}`, { cause: error });
    if (!req.complete) req.resume();
    if (res.headersSent) { res.end(); return; }
    if (apiError.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(apiError.retryAfterSeconds));
    res.status(apiError.status).json(errorBody(apiError.code, apiError.message));
  });

  let closed: Promise<void> | undefined;
  return {
    app, store, batcher, keys, metrics, exportGate, ingest, eport,
    close: () => (closed ??= eport.close().then(() => batcher.close())),
  };
}

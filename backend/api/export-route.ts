// GET /api/logs/export — every log matching the filters, newest first, streamed as NDJSON (default) or CSV.
// The engine formats the rows; their bytes flow to the socket block by block (4,096 rows), waiting for the socket
// to drain, and are never parsed in JS — memory stays flat for millions of rows. A disconnect stops the query.
// Exports wait in line for a place (export-gate.ts: 503 FLEETLOG_ERR_EXPORT_BUSY when the wait is too long), and a
// client that reads nothing for `stallTimeoutMs` is disconnected, so a stuck reader cannot hold a place for ever.
import { once } from 'node:events';
import type { Request, Response } from 'express';
import type { ExportConfig } from '../config.js';
import { isApiError } from '../errors.js';
import type { BackendMetrics } from '../metrics.js';
import { CSV_EXPORT_COLUMNS } from '../store/log-row.js';
import type { Store } from '../store/store.js';
import type { ExportGate } from './export-gate.js';
import { parseLogQuery } from './log-query.js';

export interface ExportDeps {
  readonly store: Store;
  readonly gate: ExportGate;
  readonly config: ExportConfig;
  readonly metrics: BackendMetrics;
}

type Outcome = 'complete' | 'busy' | 'stalled' | 'client_closed' | 'failed';

export function exportHandler(deps: ExportDeps): (req: Request, res: Response) => Promise<void> {
  const { store, gate, config, metrics } = deps;
  const count = (outcome: Outcome): void => metrics.add('fleetlog_backend_exports_total', { outcome });
  return async (req, res) => {
    const query = parseLogQuery({ ...(req.query as Record<string, unknown>), limit: undefined });
    const csv = query.format === 'csv';
    const aborter = new AbortController();
    res.once('close', () => aborter.abort());
    let release;
    try {
      release = await gate.acquire(aborter.signal);
    } catch (error) {
      if (isApiError(error)) {
        count('busy');
        throw error;
      }
      count('client_closed'); // left the line
      return;
    }
    const chunks = store.exportLogs(query.filter, query.format, aborter.signal)[Symbol.asyncIterator]();
    let stalled = false;
    try {
      // The first chunk before the headers: a query that fails at once still gets a proper error answer.
      let next = await chunks.next();
      res.status(200);
      res.setHeader('Content-Type', csv ? 'text/csv; charset=utf-8' : 'application/x-ndjson');
      res.setHeader('Content-Disposition', `attachment; filename="fleetlog-logs.${csv ? 'csv' : 'ndjson'}"`);
      if (csv) res.write(`${CSV_EXPORT_COLUMNS.join(',')}\r\n`);
      while (!next.done && !aborter.signal.aborted) {
        if (!res.write(next.value)) {
          try {
            await once(res, 'drain', { signal: AbortSignal.any([aborter.signal, AbortSignal.timeout(config.stallTimeoutMs)]) });
          } catch (error) {
            if (!aborter.signal.aborted) {
              stalled = true;
              res.destroy();
            }
            throw error;
          }
        }
        next = await chunks.next();
      }
      if (aborter.signal.aborted) {
        count('client_closed');
        return;
      }
      res.end();
      count('complete');
    } catch (error) {
      if (stalled) { count('stalled'); return; }
      if (aborter.signal.aborted) { count('client_closed'); return; }
      count('failed');
      if (!res.headersSent) throw error;
      // Headers are sent: NDJSON clients see a last line with the error; CSV clients a truncated file.
      if (!csv) res.write(`${JSON.stringify({ error: { code: 'FLEETLOG_ERR_STORE', message: (error as Error).message } })}\n`);
      res.end();
    } finally {
      // Ends the engine's stream (and frees its session) before the next export may start.
      await chunks.return?.();
      release();
    }
  };
}

// GET /api/logs/export — every log matching the filters, newest first, streamed as NDJSON (default) or CSV.
// The engine formats the rows; their bytes flow to the socket block by block (4,096 rows), waiting for the socket
// to drain, and are never parsed in JS — memory stays flat for millions of rows. A disconnect stops the query.
import { once } from 'node:events';
import type { Request, Response } from 'express';
import { CSV_EXPORT_COLUMNS } from '../store/log-row.js';
import type { Store } from '../store/store.js';
import { parseLogQuery } from './log-query.js';

export function exportHandler(store: Store): (req: Request, res: Response) => Promise<void> {
  return async (req, res) => {
    const query = parseLogQuery({ ...(req.query as Record<string, unknown>), limit: undefined });
    const csv = query.format === 'csv';
    const aborter = new AbortController();
    res.once('close', () => aborter.abort());
    const chunks = store.exportLogs(query.filter, query.format, aborter.signal)[Symbol.asyncIterator]();
    // The first chunk before the headers: a query that fails at once still gets a proper error answer.
    let next = await chunks.next();
    res.status(200);
    res.setHeader('Content-Type', csv ? 'text/csv; charset=utf-8' : 'application/x-ndjson');
    res.setHeader('Content-Disposition', `attachment; filename="fleetlog-logs.${csv ? 'csv' : 'ndjson'}"`);
    if (csv) res.write(`${CSV_EXPORT_COLUMNS.join(',')}\r\n`);
    try {
      while (!next.done && !aborter.signal.aborted) {
        if (!res.write(next.value)) await once(res, 'drain', { signal: aborter.signal });
        next = await chunks.next();
      }
    } catch (error) {
      if (aborter.signal.aborted) return;
      // Headers are sent: NDJSON clients see a last line with the error; CSV clients a truncated file.
      if (!csv) res.write(`${JSON.stringify({ error: { code: 'FLEETLOG_ERR_STORE', message: (error as Error).message } })}\n`);
      res.end();
      return;
    } finally {
      if (aborter.signal.aborted) await chunks.return?.();
    }
    res.end();
  };
}

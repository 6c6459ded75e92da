// GET /api/logs/export — every log matching the filters, newest first, streamed as NDJSON (default) or CSV.
// Rows flow from the engine's streaming reader to the socket chunk by chunk, waiting for the socket to drain,
// so memory stays flat for millions of rows. A client that disconnects stops the query.
import { once } from 'node:events';
import type { Request, Response } from 'express';
import type { StoredLog } from '../store/log-row.js';
import type { Store } from '../store/store.js';
import { parseLogQuery } from './log-query.js';

export const CSV_COLUMNS = ['time', 'machine_id', 'site', 'level', 'severity_number', 'component', 'event_name', 'body', 'attributes', 'record_id', 'boot_id', 'source', 'received_at'] as const;

function csvField(value: unknown): string {
  const text = typeof value === 'string' ? value : (typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value ?? ''));
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(row: StoredLog): string {
  return `${CSV_COLUMNS.map((c) => csvField(row[c])).join(',')}\r\n`;
}

export function exportHandler(store: Store): (req: Request, res: Response) => Promise<void> {
  return async (req, res) => {
    const query = parseLogQuery({ ...(req.query as Record<string, unknown>), limit: undefined });
    const csv = query.format === 'csv';
    const aborter = new AbortController();
    res.once('close', () => aborter.abort());
    res.status(200);
    res.setHeader('Content-Type', csv ? 'text/csv; charset=utf-8' : 'application/x-ndjson');
    res.setHeader('Content-Disposition', `attachment; filename="fleetlog-logs.${csv ? 'csv' : 'ndjson'}"`);
    if (csv) res.write(`${CSV_COLUMNS.join(',')}\r\n`);
    try {
      for await (const chunk of store.streamLogs(query.filter, aborter.signal)) {
        let text = '';
        for (const row of chunk) text += csv ? csvLine(row) : `${JSON.stringify(row)}\n`;
        if (!res.write(text)) await once(res, 'drain', { signal: aborter.signal });
        if (aborter.signal.aborted) break;
      }
    } catch (error) {
      if (aborter.signal.aborted) return;
      // Headers are sent: the client sees a truncated body; say so in the stream and end it.
      res.write(csv ? '' : `${JSON.stringify({ error: { code: 'FLEETLOG_ERR_STORE', message: (error as Error).message } })}\n`);
      res.end();
      return;
    }
    res.end();
  };
}

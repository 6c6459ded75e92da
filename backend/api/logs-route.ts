// GET /api/logs — filtered logs, newest first, `limit` ≤ 1000, opaque `cursor` for the next page.
import type { Request, Response } from 'express';
import type { Store } from '../store/store.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { parseLogQuery } from './log-query.js';

export function logsHandler(store: Store, now: () => number): (req: Request, res: Response) => Promise<void> {
  return async (req, res) => {
    const query = parseLogQuery(req.query);
    const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor, query.filter);
    const asOfMs = cursor?.asOfMs ?? now();
    const page = await store.queryLogs(query.filter, query.limit, cursor);
    const next = page.rows.length === query.limit && page.last
      ? encodeCursor({ ...page.last, asOfMs }, query.filter)
      : null;
    res.json({ logs: page.rows, next_cursor: next });
  };
}

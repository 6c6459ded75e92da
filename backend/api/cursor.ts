// The opaque pagination cursor: the last row's sort key (time, machine, record key), the snapshot instant of
// the first page (rows received later are not part of this pagination), and a hash of the filters it was
// issued for. Newest-first order plus a strict "after this key" bound means no row is repeated, and rows that
// existed when the first page was read are never skipped, however many rows arrive meanwhile.
import { createHash } from 'node:crypto';
import { ApiError } from '../errors.js';
import type { LogCursor, LogFilter } from '../store/log-filter.js';

interface CursorJson { v: 1; t: string; m: string; k: string; a: number; f: string }

export function filterHash(filter: LogFilter): string {
  return createHash('sha256').update(JSON.stringify(filter, Object.keys(filter).sort())).digest('base64url').slice(0, 12);
}

export function encodeCursor(cursor: LogCursor, filter: LogFilter): string {
  const json: CursorJson = { v: 1, t: cursor.tsNs, m: cursor.machineId, k: cursor.key, a: cursor.asOfMs, f: filterHash(filter) };
  return Buffer.from(JSON.stringify(json)).toString('base64url');
}

export function decodeCursor(text: string, filter: LogFilter): LogCursor {
  let json: Partial<CursorJson>;
  try {
    json = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Partial<CursorJson>;
  } catch {
    throw new ApiError('FLEETLOG_ERR_BAD_CURSOR', 'the cursor is not one this server issued');
  }
  if (json.v !== 1 || typeof json.t !== 'string' || !/^\d{1,20}$/.test(json.t) || typeof json.m !== 'string'
    || typeof json.k !== 'string' || !/^\d{1,20}$/.test(json.k) || typeof json.a !== 'number' || typeof json.f !== 'string') {
    throw new ApiError('FLEETLOG_ERR_BAD_CURSOR', 'the cursor is not one this server issued');
  }
  if (json.f !== filterHash(filter)) throw new ApiError('FLEETLOG_ERR_BAD_CURSOR', 'the cursor was issued for other filters; start again without it');
  return { tsNs: json.t, machineId: json.m, key: json.k, asOfMs: json.a };
}

// The read API's bearer token (FLEETLOG_ADMIN_TOKEN or api.admin_token) until roles arrive with the dashboard.
import { createHash, timingSafeEqual } from 'node:crypto';
import { ApiError } from '../errors.js';

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** Throws 401 unless `authorization` is `Bearer <token>`; without a configured token the read API is closed. */
export function checkAdminToken(authorization: string | undefined, token: string | undefined): void {
  if (token === undefined || token === '') {
    throw new ApiError('FLEETLOG_ERR_UNAUTHENTICATED', 'the read API is closed: set FLEETLOG_ADMIN_TOKEN (or api.admin_token) on the backend');
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!match) throw new ApiError('FLEETLOG_ERR_UNAUTHENTICATED', 'send the admin token as Authorization: Bearer <token>');
  if (!timingSafeEqual(digest(match[1]!), digest(token))) throw new ApiError('FLEETLOG_ERR_UNAUTHENTICATED', 'wrong admin token');
}

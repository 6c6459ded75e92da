// The backend's stable API error codes (DESIGN §7). Every response error is `{ "error": { "code", "message" } }`
// with one of these codes; each is documented in docs/errors.md under a heading that is the code (a test checks).
// Codes are never renamed or reused; add new ones at the end.
import { FleetlogError } from '../collector/component/errors.js';

export const BACKEND_ERROR_CODES = {
  FLEETLOG_ERR_BAD_REQUEST: { status: 400, meaning: 'The request is malformed: undecodable protobuf or JSON, a wrong value type, an unknown field in a fleetlog API body, or a bad query parameter.' },
  FLEETLOG_ERR_UNSUPPORTED_MEDIA_TYPE: { status: 415, meaning: 'The Content-Type (or Content-Encoding) is not one the endpoint accepts.' },
  FLEETLOG_ERR_PAYLOAD_TOO_LARGE: { status: 413, meaning: 'The request body, or its decompressed size, is over the configured limit.' },
  FLEETLOG_ERR_UNAUTHENTICATED: { status: 401, meaning: 'No credentials, or an unknown / revoked / malformed key or token.' },
  FLEETLOG_ERR_FORBIDDEN: { status: 403, meaning: 'The credentials are valid but do not allow this request (e.g. every record claims another machine).' },
  FLEETLOG_ERR_NOT_FOUND: { status: 404, meaning: 'No such route or resource (e.g. an unknown machine id).' },
  FLEETLOG_ERR_BACKPRESSURE: { status: 503, meaning: 'Storage is behind or unavailable; retry after the Retry-After seconds. Nothing of the request was stored.' },
  FLEETLOG_ERR_RATE_LIMITED: { status: 429, meaning: 'Too many requests waiting for storage; retry after the Retry-After seconds.' },
  FLEETLOG_ERR_STORE: { status: 500, meaning: 'The store failed a query for a reason other than back-pressure; the message says what the engine answered.' },
  FLEETLOG_ERR_STORE_LOCKED: { status: 500, meaning: 'The embedded store\'s data folder is in use by another process (a running backend); stop it or use its HTTP API.' },
  FLEETLOG_ERR_STORE_AUTH: { status: 500, meaning: 'The ClickHouse server refused the configured user/password.' },
  FLEETLOG_ERR_STORE_MIGRATION: { status: 500, meaning: 'A schema migration failed; the store does not start.' },
  FLEETLOG_ERR_KEY_LIMIT: { status: 409, meaning: 'The machine already has two active device keys; revoke one before creating another.' },
  FLEETLOG_ERR_BAD_CURSOR: { status: 400, meaning: 'The pagination cursor is not one this server issued, or was issued for other filters.' },
  FLEETLOG_ERR_INTERNAL_API: { status: 500, meaning: 'An unexpected failure while answering a request; the server keeps serving.' },
  FLEETLOG_ERR_EXPORT_BUSY: { status: 503, meaning: 'As many exports as configured are streaming and none finished within the queue wait; retry after the Retry-After seconds.' },
} as const;

export type BackendErrorCode = keyof typeof BACKEND_ERROR_CODES;

/** An error that maps to an HTTP answer `{ error: { code, message } }` with the code's status. */
export class ApiError extends FleetlogError {
  override readonly code: BackendErrorCode;
  readonly status: number;
  /** Seconds for a Retry-After header (back-pressure answers). */
  readonly retryAfterSeconds: number | undefined;
  constructor(code: BackendErrorCode, message: string, options?: { cause?: unknown; retryAfterSeconds?: number; status?: number }) {
    super(code, message, options);
    this.name = 'ApiError';
    this.code = code;
    this.status = options?.status ?? BACKEND_ERROR_CODES[code].status;
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

/** The JSON error body every route answers with. */
export function errorBody(code: string, message: string): { error: { code: string; message: string } } {
  return { error: { code, message } };
}

// Errors with stable codes. Every code is listed in error-codes.ts and documented in docs/errors.md.
import type { ErrorCode } from './error-codes.js';

export class FleetlogError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FleetlogError';
    this.code = code;
  }
}

/**
 * A consumer will never accept this batch (malformed, refused on purpose). Thrown by consume(): the caller
 * counts the records as refused and does not retry. Any other rejection of consume() means "not now".
 */
export class PermanentError extends FleetlogError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('FLEETLOG_ERR_PERMANENT', message, options);
    this.name = 'PermanentError';
  }
}

export function isPermanentError(error: unknown): error is PermanentError {
  return error instanceof PermanentError || (error instanceof Error && (error as { code?: unknown }).code === 'FLEETLOG_ERR_PERMANENT');
}

/** A readable one-line message of anything thrown. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

// Reads a request body with a byte limit, then gunzips it (Content-Encoding: gzip) with a limit on the
// decompressed size, so neither a large body nor a gzip bomb can exhaust memory.
import type { IncomingMessage } from 'node:http';
import { gunzip } from 'node:zlib';
import { ApiError } from '../errors.js';

export interface BodyLimits {
  readonly maxBodyBytes: number;
  readonly maxDecompressedBytes: number;
}

function readRaw(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    req.resume();
    return Promise.reject(new ApiError('FLEETLOG_ERR_PAYLOAD_TOO_LARGE', `the body is ${declared} bytes; the limit is ${maxBytes}`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    const onData = (chunk: Buffer): void => {
      if (failed) return;
      size += chunk.length;
      if (size > maxBytes) {
        failed = true;
        chunks.length = 0;
        reject(new ApiError('FLEETLOG_ERR_PAYLOAD_TOO_LARGE', `the body is over the limit of ${maxBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => { if (!failed) resolve(Buffer.concat(chunks, size)); });
    req.once('error', (error) => { if (!failed) { failed = true; reject(new ApiError('FLEETLOG_ERR_BAD_REQUEST', `reading the body failed: ${error.message}`)); } });
    req.once('aborted', () => { if (!failed) { failed = true; reject(new ApiError('FLEETLOG_ERR_BAD_REQUEST', 'the client aborted the request')); } });
  });
}

function gunzipLimited(data: Buffer, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    gunzip(data, { maxOutputLength: maxBytes }, (error, out) => {
      if (!error) { resolve(out); return; }
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) {
        reject(new ApiError('FLEETLOG_ERR_PAYLOAD_TOO_LARGE', `the body decompresses to more than ${maxBytes} bytes`));
      } else {
        reject(new ApiError('FLEETLOG_ERR_BAD_REQUEST', `the gzip body is corrupt: ${error.message}`));
      }
    });
  });
}

/** The decoded body bytes. Throws ApiError 413 / 415 / 400. */
export async function readBody(req: IncomingMessage, limits: BodyLimits): Promise<Buffer> {
  const encoding = String(req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity' && encoding !== 'gzip' && encoding !== '') {
    req.resume();
    throw new ApiError('FLEETLOG_ERR_UNSUPPORTED_MEDIA_TYPE', `Content-Encoding '${encoding}' is not supported (use gzip or none)`);
  }
  const raw = await readRaw(req, limits.maxBodyBytes);
  return encoding === 'gzip' ? gunzipLimited(raw, limits.maxDecompressedBytes) : raw;
}

/** The media type of the request without parameters, lower-cased ('' when absent). */
export function mediaType(req: IncomingMessage): string {
  return String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

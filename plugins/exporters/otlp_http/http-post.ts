// One POST with node:http / node:https: keep-alive agent, TLS options, a timeout for the whole exchange, and
// an AbortSignal. Answers are read up to MAX_ANSWER_BYTES (an OTLP answer is small; the rest is ignored).
import { readFileSync } from 'node:fs';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { OtlpHttpOptions } from './config.js';
import type { HttpAnswer } from './response.js';

export const MAX_ANSWER_BYTES = 64 * 1024;

export class HttpPoster {
  readonly #url: URL;
  readonly #agent: HttpAgent | HttpsAgent;
  readonly #timeoutMs: number;

  /** Reads the TLS files now: a missing file is a start-up error, not a failure per send. */
  constructor(options: Pick<OtlpHttpOptions, 'url' | 'timeoutMs' | 'tls'>) {
    this.#url = options.url;
    this.#timeoutMs = options.timeoutMs;
    if (options.url.protocol === 'https:') {
      const { caFile, certFile, keyFile, insecureSkipVerify } = options.tls;
      this.#agent = new HttpsAgent({
        keepAlive: true,
        maxSockets: 4,
        ...(caFile !== undefined ? { ca: readFileSync(caFile) } : {}),
        ...(certFile !== undefined ? { cert: readFileSync(certFile) } : {}),
        ...(keyFile !== undefined ? { key: readFileSync(keyFile) } : {}),
        rejectUnauthorized: !insecureSkipVerify,
      });
    } else {
      this.#agent = new HttpAgent({ keepAlive: true, maxSockets: 4 });
    }
  }

  /**
   * A kept-alive connection the server closed while the request was on its way fails with ECONNRESET before any
   * answer; then the request is sent once more on a new connection (Node's documented pattern: `reusedSocket`).
   */
  async post(body: Buffer, headers: Record<string, string>, signal: AbortSignal): Promise<HttpAnswer> {
    try {
      return await this.#postOnce(body, headers, signal);
    } catch (error) {
      if (!(error instanceof StaleSocketError)) throw error;
      return this.#postOnce(body, headers, signal);
    }
  }

  #postOnce(body: Buffer, headers: Record<string, string>, signal: AbortSignal): Promise<HttpAnswer> {
    const request = this.#url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<HttpAnswer>((resolve, reject) => {
      const timeout = AbortSignal.timeout(this.#timeoutMs);
      const combined = AbortSignal.any([signal, timeout]);
      if (combined.aborted) {
        reject(abortReason(signal, timeout, this.#timeoutMs));
        return;
      }
      const req = request(this.#url, {
        method: 'POST',
        agent: this.#agent,
        headers: { ...headers, 'content-length': String(body.length) },
        signal: combined,
      }, (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          if (size < MAX_ANSWER_BYTES) chunks.push(chunk);
          size += chunk.length;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).subarray(0, MAX_ANSWER_BYTES) }));
        res.on('error', (error) => reject(combined.aborted ? abortReason(signal, timeout, this.#timeoutMs) : error));
      });
      req.on('error', (error) => {
        if (combined.aborted) reject(abortReason(signal, timeout, this.#timeoutMs));
        else if (req.reusedSocket && (error as NodeJS.ErrnoException).code === 'ECONNRESET') reject(new StaleSocketError(error));
        else reject(error);
      });
      req.end(body);
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}

function abortReason(signal: AbortSignal, timeout: AbortSignal, timeoutMs: number): Error {
  if (timeout.aborted && !signal.aborted) return new Error(`no answer within ${timeoutMs} ms`);
  return new Error('aborted');
}

/** The server closed an idle kept-alive connection as the request went out: safe to send again. */
class StaleSocketError extends Error {
  constructor(cause: Error) {
    super(cause.message, { cause });
    this.name = 'StaleSocketError';
  }
}

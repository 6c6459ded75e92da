// The `otlp_http` exporter: one batch → one OTLP/HTTP POST, and the answer → ok | retry | drop. Queueing,
// batching, back-off and dead letters are the host's (collector/delivery); this file only speaks the protocol.
import {
  errorMessage, sendDrop, sendOk, sendRetry,
  type Counter, type Exporter, type LogBatch, type SendResult, type Settings,
} from '../../../collector/component/index.js';
import type { OtlpHttpOptions } from './config.js';
import { BodyEncoder, bodyHeaders } from './encode.js';
import { HttpPoster } from './http-post.js';
import { classifyAnswer } from './response.js';

const USER_AGENT = 'fleetlog-otlp-http';

export class OtlpHttpExporter implements Exporter {
  readonly #settings: Settings;
  readonly #options: OtlpHttpOptions;
  readonly #rejected: Counter;
  readonly #encoder: BodyEncoder;
  /** The same for every request: configured headers, content type and encoding, user agent. */
  readonly #headers: Record<string, string>;
  #poster: HttpPoster | undefined;
  #stopped = false;
  #failing = false;

  constructor(settings: Settings, options: OtlpHttpOptions) {
    this.#settings = settings;
    this.#options = options;
    this.#encoder = new BodyEncoder(options);
    this.#headers = { ...options.headers, ...bodyHeaders(options), 'user-agent': USER_AGENT };
    this.#rejected = settings.meter.counter(
      'fleetlog_exporter_otlp_http_rejected_records_total',
      'Records the server rejected in a partial_success answer (the rest of the batch was accepted).',
    );
  }

  async start(): Promise<void> {
    this.#poster ??= new HttpPoster(this.#options); // reads the TLS files: a missing one fails start-up
  }

  async shutdown(): Promise<void> {
    this.#stopped = true;
    this.#poster?.close();
    this.#poster = undefined;
  }

  async send(batch: LogBatch, signal: AbortSignal): Promise<SendResult> {
    if (this.#stopped) return sendRetry('the otlp_http exporter is stopped');
    let poster: HttpPoster;
    try {
      poster = this.#poster ??= new HttpPoster(this.#options);
    } catch (error) {
      return this.#failed(sendRetry(`TLS files: ${errorMessage(error)}`));
    }
    let body;
    try {
      body = await this.#encoder.encode(batch);
    } catch (error) {
      return this.#failed(sendDrop(`the batch cannot be encoded as OTLP: ${errorMessage(error)}`));
    }
    let answer;
    try {
      answer = await poster.post(body, this.#headers, signal);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return this.#failed(sendRetry(`${this.#options.url.origin}: ${code ? `${code} ` : ''}${errorMessage(error)}`));
    }
    const outcome = classifyAnswer(answer, Date.now());
    if (outcome.kind === 'retry') return this.#failed(sendRetry(outcome.reason, outcome.retryAfterMs));
    if (outcome.kind === 'drop') return this.#failed(sendDrop(outcome.reason));
    if (this.#failing) {
      this.#failing = false;
      this.#settings.reportStatus('ok');
      this.#settings.logger.info('The OTLP endpoint accepts records again.', { url: this.#options.url.href });
    }
    const total = batch.records.length;
    const rejected = Math.min(outcome.rejectedRecords, total);
    if (rejected > 0) {
      this.#rejected.add(rejected);
      this.#settings.logger.warn('The server rejected part of a batch.', { rejected, records: total, message: outcome.errorMessage });
      return sendOk({ acceptedRecords: total - rejected, rejectedRecords: rejected, message: outcome.errorMessage });
    }
    return sendOk({ acceptedRecords: total });
  }

  /** Reports the first failure of a run (status + one log line); the host counts every one. */
  #failed(result: SendResult): SendResult {
    if (!this.#failing && result.outcome !== 'ok') {
      this.#failing = true;
      this.#settings.reportStatus('recoverable_error', new Error(result.reason));
      this.#settings.logger.warn('Sending to the OTLP endpoint failed.', { url: this.#options.url.href, outcome: result.outcome, reason: result.reason });
    }
    return result;
  }
}

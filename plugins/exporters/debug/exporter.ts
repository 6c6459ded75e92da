// The `debug` exporter: prints each batch for a human reading a terminal. Never refuses a batch.
import { once } from 'node:events';
import { sendOk, type Exporter, type LogBatch, type SendResult } from '../../../collector/component/index.js';
import type { Verbosity } from './config.js';
import { formatBatch } from './format.js';

export class DebugExporter implements Exporter {
  readonly #out: NodeJS.WritableStream;
  readonly #verbosity: Verbosity;

  constructor(out: NodeJS.WritableStream, verbosity: Verbosity) {
    this.#out = out;
    this.#verbosity = verbosity;
  }

  async start(): Promise<void> {}

  async shutdown(): Promise<void> {}

  async send(batch: LogBatch): Promise<SendResult> {
    // Respect the stream's back-pressure so that a slow terminal slows the queue, not the memory.
    if (!this.#out.write(formatBatch(batch, this.#verbosity))) await once(this.#out, 'drain');
    return sendOk({ acceptedRecords: batch.records.length });
  }
}

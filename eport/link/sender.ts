// The device side of the link: stop-and-wait. Each fragment is sent and retransmitted until its ACK arrives:
// at once after a NAK for a bad frame, after an exponential backoff with jitter on a timeout or a busy NAK,
// at most maxAttempts times; then the send fails with FLEETLOG_ERR_EPORT_LINK and the caller keeps the data.
import { FleetlogError } from '../../collector/component/index.js';
import { FrameType, NakReason, type Frame } from './frame.js';
import type { LinkPort } from './port.js';
import { ackTimeoutMs, type LineSettings } from './timing.js';
import { encodeWire, wireBytes, WireDecoder, type WireEncoding } from './wire.js';

export type LinkState = 'up' | 'retrying' | 'down';

export interface SenderOptions {
  encoding?: WireEncoding;
  line?: LineSettings;
  /** The device's time to act on a frame, added to the ACK timeout. */
  processingMs?: number;
  maxAttempts?: number;
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /** Payloads larger than this are sent as several fragments (each ACKed). */
  maxFragmentBytes?: number;
  random?: () => number;
}

export interface SendMeta {
  sequence: number;
  dictionaryId?: number;
  flags?: number;
}

export interface SenderStats {
  framesSent: number;
  retransmissions: number;
  timeouts: number;
  naks: number;
  payloadsAcked: number;
  bytesWritten: number;
}

type Outcome = 'ack' | 'nak' | 'busy' | 'timeout';

function abortError(): Error {
  return new FleetlogError('FLEETLOG_ERR_EPORT_LINK', 'ePort send aborted');
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export class LinkSender {
  readonly bootId: number;
  readonly #port: LinkPort;
  readonly #encoding: WireEncoding;
  readonly #line: LineSettings;
  readonly #processingMs: number;
  readonly #maxAttempts: number;
  readonly #backoffInitialMs: number;
  readonly #backoffMaxMs: number;
  readonly #maxFragmentBytes: number;
  readonly #random: () => number;
  readonly #decoder: WireDecoder;
  readonly #unsubscribe: () => void;
  #waiter: { frame: Frame; settle: (o: Outcome) => void } | undefined;
  #chain: Promise<unknown> = Promise.resolve();
  #state: LinkState = 'up';
  readonly stats: SenderStats = { framesSent: 0, retransmissions: 0, timeouts: 0, naks: 0, payloadsAcked: 0, bytesWritten: 0 };

  constructor(port: LinkPort, bootId: number, options: SenderOptions = {}) {
    this.bootId = bootId >>> 0;
    this.#port = port;
    this.#encoding = options.encoding ?? 'binary';
    this.#line = options.line ?? { baudRate: 9600 };
    this.#processingMs = options.processingMs ?? 500;
    this.#maxAttempts = options.maxAttempts ?? 8;
    this.#maxFragmentBytes = options.maxFragmentBytes ?? 1024;
    this.#backoffInitialMs = options.backoffInitialMs ?? 250;
    this.#backoffMaxMs = options.backoffMaxMs ?? 10_000;
    this.#random = options.random ?? Math.random;
    this.#decoder = new WireDecoder(this.#encoding, 64);
    this.#unsubscribe = port.onData((chunk) => this.#onData(chunk));
  }

  get state(): LinkState {
    return this.#state;
  }

  /** Sends one payload (fragmented if needed); resolves when every fragment is ACKed. One send at a time. */
  send(payload: Buffer, meta: SendMeta, signal?: AbortSignal): Promise<void> {
    const run = this.#chain.then(() => this.#send(payload, meta, signal));
    this.#chain = run.catch(() => undefined);
    return run;
  }

  close(): void {
    this.#unsubscribe();
    this.#waiter?.settle('timeout');
  }

  async #send(payload: Buffer, meta: SendMeta, signal?: AbortSignal): Promise<void> {
    const count = Math.max(1, Math.ceil(payload.length / this.#maxFragmentBytes));
    if (count > 255) throw new RangeError(`payload of ${payload.length} bytes needs more than 255 fragments`);
    for (let index = 0; index < count; index += 1) {
      const frame: Frame = {
        type: FrameType.DATA, flags: meta.flags ?? 0, dictionaryId: meta.dictionaryId ?? 0, bootId: this.bootId,
        sequence: meta.sequence >>> 0, fragmentIndex: index, fragmentCount: count,
        payload: payload.subarray(index * this.#maxFragmentBytes, (index + 1) * this.#maxFragmentBytes),
      };
      await this.#sendFrame(frame, signal);
    }
    this.stats.payloadsAcked += 1;
  }

  async #sendFrame(frame: Frame, signal?: AbortSignal): Promise<void> {
    const wire = encodeWire(frame, this.#encoding);
    const timeoutMs = ackTimeoutMs(wire.length, wireBytes(0, this.#encoding), this.#line, this.#processingMs);
    let backoffs = 0;
    for (let attempt = 1; attempt <= this.#maxAttempts; attempt += 1) {
      if (signal?.aborted) throw abortError();
      if (attempt > 1) this.stats.retransmissions += 1;
      const outcome = new Promise<Outcome>((resolve) => {
        const timer = setTimeout(() => settle('timeout'), timeoutMs);
        const settle = (o: Outcome): void => {
          clearTimeout(timer);
          if (this.#waiter?.settle === settle) this.#waiter = undefined;
          resolve(o);
        };
        this.#waiter = { frame, settle };
      });
      try {
        await this.#port.write(wire);
      } catch (error) {
        this.#waiter?.settle('timeout');
        await outcome;
        this.#state = 'down';
        throw new FleetlogError('FLEETLOG_ERR_EPORT_LINK', `serial write failed: ${(error as Error).message}`, { cause: error });
      }
      this.stats.framesSent += 1;
      this.stats.bytesWritten += wire.length;
      const result = await outcome;
      if (result === 'ack') {
        this.#state = 'up';
        return;
      }
      this.#state = 'retrying';
      if (result === 'nak') {
        this.stats.naks += 1;
        continue; // the frame arrived damaged: send it again at once
      }
      if (result === 'timeout') this.stats.timeouts += 1;
      else this.stats.naks += 1;
      const base = Math.min(this.#backoffMaxMs, this.#backoffInitialMs * 2 ** backoffs);
      backoffs += 1;
      if (attempt < this.#maxAttempts) await sleep(Math.round(base * (0.8 + 0.4 * this.#random())), signal);
    }
    this.#state = 'down';
    throw new FleetlogError('FLEETLOG_ERR_EPORT_LINK', `no ACK for frame ${frame.sequence}/${frame.fragmentIndex} after ${this.#maxAttempts} attempts`);
  }

  #onData(chunk: Buffer): void {
    for (const decoded of this.#decoder.push(chunk)) {
      if (!decoded.ok) continue; // a damaged ACK/NAK: the timeout resends
      const f = decoded.frame;
      const waiter = this.#waiter;
      if (waiter === undefined) continue;
      if (f.type === FrameType.ACK) {
        const w = waiter.frame;
        if (f.bootId === w.bootId && f.sequence === w.sequence && f.fragmentIndex === w.fragmentIndex) waiter.settle('ack');
      } else if (f.type === FrameType.NAK) {
        waiter.settle(f.payload[0] === NakReason.BUSY ? 'busy' : 'nak');
      }
    }
  }
}

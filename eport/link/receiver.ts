// The ePort side of the link: decodes frames, NAKs damaged ones, reassembles fragments, hands each complete
// payload to `accept` (which stores it durably) and ACKs only after that. Duplicates — a retransmission after a
// lost ACK — are recognised on (boot id, sequence), ACKed again and not delivered twice; `accept` itself must be
// idempotent for duplicates older than the in-memory window or a restart (the simulator checks its drop folder).
import { FrameType, NakReason, type Frame } from './frame.js';
import type { LinkPort } from './port.js';
import { encodeWire, WireDecoder, type WireEncoding } from './wire.js';

export interface ReceivedPayload {
  bootId: number;
  sequence: number;
  dictionaryId: number;
  flags: number;
  payload: Buffer;
}

export interface ReceiverFaults {
  /** Called with raw received bytes; returns the bytes to decode (line noise is injected here). */
  incoming?(chunk: Buffer): Buffer;
  /** True: do not send this ACK (a lost ACK). */
  dropAck?(): boolean;
  /** Milliseconds to hold this ACK back. */
  ackDelayMs?(): number;
}

export interface ReceiverOptions {
  encoding?: WireEncoding;
  maxPayloadBytes?: number;
  /** Store the payload durably; a rejection answers NAK busy (the sender backs off and retries). */
  accept(payload: ReceivedPayload): Promise<void>;
  /** (boot id, sequence) pairs remembered in memory. */
  dedupEntries?: number;
  faults?: ReceiverFaults;
  onReject?(reason: string): void;
}

export interface ReceiverStats {
  frames: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  acksSent: number;
  acksDropped: number;
  naksSent: number;
}

export class LinkReceiver {
  readonly #port: LinkPort;
  readonly #options: ReceiverOptions;
  readonly #encoding: WireEncoding;
  readonly #decoder: WireDecoder;
  readonly #unsubscribe: () => void;
  readonly #seen = new Set<string>();
  readonly #fragments = new Map<string, Buffer[]>();
  #chain: Promise<void> = Promise.resolve();
  #closed = false;
  readonly stats: ReceiverStats = { frames: 0, accepted: 0, duplicates: 0, rejected: 0, acksSent: 0, acksDropped: 0, naksSent: 0 };

  constructor(port: LinkPort, options: ReceiverOptions) {
    this.#port = port;
    this.#options = options;
    this.#encoding = options.encoding ?? 'binary';
    this.#decoder = new WireDecoder(this.#encoding, options.maxPayloadBytes ?? 1024);
    this.#unsubscribe = port.onData((chunk) => this.#onData(chunk));
  }

  /** Resolves when every frame received so far has been handled. */
  idle(): Promise<void> {
    return this.#chain;
  }

  close(): void {
    this.#closed = true;
    this.#unsubscribe();
  }

  #onData(chunk: Buffer): void {
    const bytes = this.#options.faults?.incoming ? this.#options.faults.incoming(chunk) : chunk;
    for (const decoded of this.#decoder.push(bytes)) {
      this.#chain = this.#chain.then(() => (decoded.ok ? this.#onFrame(decoded.frame) : this.#onBad(decoded.reason))).catch((error: unknown) => {
        this.#options.onReject?.(`receiver: ${(error as Error).message}`);
      });
    }
  }

  async #onBad(reason: string): Promise<void> {
    this.stats.rejected += 1;
    this.#options.onReject?.(reason);
    await this.#reply({ type: FrameType.NAK, payload: Buffer.from([NakReason.BAD_FRAME]) }, undefined);
  }

  async #onFrame(frame: Frame): Promise<void> {
    if (frame.type !== FrameType.DATA) return;
    this.stats.frames += 1;
    const key = `${frame.bootId}:${frame.sequence}`;
    if (this.#seen.has(key)) {
      this.stats.duplicates += 1;
      return this.#ack(frame);
    }
    let parts = this.#fragments.get(key);
    if (parts === undefined || parts.length !== frame.fragmentCount) {
      parts = new Array<Buffer>(frame.fragmentCount);
      this.#fragments.set(key, parts);
      if (this.#fragments.size > 16) this.#fragments.delete(this.#fragments.keys().next().value!);
    }
    parts[frame.fragmentIndex] = frame.payload;
    if (parts.filter(Boolean).length < frame.fragmentCount) return this.#ack(frame);
    const payload = Buffer.concat(parts);
    try {
      await this.#options.accept({ bootId: frame.bootId, sequence: frame.sequence, dictionaryId: frame.dictionaryId, flags: frame.flags, payload });
    } catch (error) {
      this.#options.onReject?.(`accept failed: ${(error as Error).message}`);
      return this.#reply({ type: FrameType.NAK, payload: Buffer.from([NakReason.BUSY]) }, frame);
    }
    this.#fragments.delete(key);
    this.#remember(key);
    this.stats.accepted += 1;
    return this.#ack(frame);
  }

  #remember(key: string): void {
    this.#seen.add(key);
    if (this.#seen.size > (this.#options.dedupEntries ?? 4096)) this.#seen.delete(this.#seen.values().next().value!);
  }

  async #ack(frame: Frame): Promise<void> {
    if (this.#options.faults?.dropAck?.()) {
      this.stats.acksDropped += 1;
      return;
    }
    const delay = this.#options.faults?.ackDelayMs?.() ?? 0;
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    await this.#reply({ type: FrameType.ACK, payload: Buffer.alloc(0) }, frame);
  }

  async #reply(reply: { type: number; payload: Buffer }, to: Frame | undefined): Promise<void> {
    if (this.#closed) return;
    const frame: Frame = {
      type: reply.type, flags: 0, dictionaryId: 0, bootId: to?.bootId ?? 0, sequence: to?.sequence ?? 0,
      fragmentIndex: to?.fragmentIndex ?? 0, fragmentCount: to?.fragmentCount ?? 0, payload: reply.payload,
    };
    try {
      await this.#port.write(encodeWire(frame, this.#encoding));
      if (reply.type === FrameType.ACK) this.stats.acksSent += 1;
      else this.stats.naksSent += 1;
    } catch (error) {
      this.#options.onReject?.(`reply failed: ${(error as Error).message}`);
    }
  }
}

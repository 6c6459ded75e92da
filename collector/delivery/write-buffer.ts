// One buffer that a queue encodes each write's frames into, reused write after write instead of a new one per
// append (most of the disk queue's Buffer churn at 5,000 lines/s, which is what brought V8's mark-compacts). Sound
// because a queue's writes run one at a time (its mutex) and each is awaited to its end — written, or failed and
// given up (the append is rejected; its retry encodes again) — before the next one takes the buffer: no write in
// flight or retried ever references it.

/** The smallest buffer kept. */
const MIN_KEPT_BYTES = 64 * 1024;

export class WriteBuffer {
  readonly #maxKeptBytes: number;
  #buf: Buffer | undefined;

  /** A write larger than `maxKeptBytes` gets a buffer of its own, let go after it. */
  constructor(maxKeptBytes: number) {
    this.#maxKeptBytes = maxKeptBytes;
  }

  /** At least `bytes` bytes to write into; what the previous take() returned must no longer be in use. */
  take(bytes: number): Buffer {
    if (bytes > this.#maxKeptBytes) return Buffer.allocUnsafe(bytes);
    if (this.#buf === undefined || this.#buf.length < bytes) {
      let size = Math.max(MIN_KEPT_BYTES, this.#buf?.length ?? 0);
      while (size < bytes) size *= 2;
      this.#buf = Buffer.allocUnsafe(Math.min(size, this.#maxKeptBytes));
    }
    return this.#buf;
  }
}

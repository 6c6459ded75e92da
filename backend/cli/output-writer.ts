// A command's output, written in chunks of ~64 KiB, each awaited: memory stays bounded whatever the row count, and
// a reader that went away (`fleetlog sql … | head`: EPIPE) ends the output as a normal end instead of an
// unhandled 'error' event that kills the process.

const CHUNK_CHARS = 64 * 1024;
const CLOSED_PIPE = new Set(['EPIPE', 'ERR_STREAM_DESTROYED', 'ERR_STREAM_WRITE_AFTER_END']);

function isClosedPipe(error: unknown): boolean {
  return CLOSED_PIPE.has(String((error as { code?: unknown } | undefined)?.code));
}

export class OutputWriter {
  readonly #stream: NodeJS.WritableStream;
  #pending = '';
  #closed = false;
  #error: Error | undefined;

  constructor(stream: NodeJS.WritableStream) {
    this.#stream = stream;
    // Stays attached: an EPIPE can be reported after the last write returned.
    stream.on('error', (error: Error) => this.#fail(error));
  }

  /** True once the reader is gone (or the stream failed): stop producing output. */
  get closed(): boolean {
    return this.#closed;
  }

  /** A failure other than a closed reader, if any. */
  get error(): Error | undefined {
    return this.#error;
  }

  /** Queues text; returns false when the reader is gone. */
  async write(text: string): Promise<boolean> {
    if (this.#closed) return false;
    this.#pending += text;
    if (this.#pending.length >= CHUNK_CHARS) await this.flush();
    return !this.#closed;
  }

  /** Writes what is queued and waits until the stream took it. */
  async flush(): Promise<void> {
    if (this.#closed || this.#pending === '') return;
    const chunk = this.#pending;
    this.#pending = '';
    await new Promise<void>((resolve) => {
      try {
        this.#stream.write(chunk, (error) => {
          if (error) this.#fail(error);
          resolve();
        });
      } catch (error) {
        this.#fail(error as Error);
        resolve();
      }
    });
  }

  #fail(error: Error): void {
    this.#closed = true;
    this.#pending = '';
    if (!isClosedPipe(error)) this.#error ??= error;
  }
}

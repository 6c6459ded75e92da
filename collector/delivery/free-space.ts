// Free bytes of the filesystem holding the queue (fs.statfs), refreshed at most once a second; bytes the queue
// writes in between are subtracted so the headroom check stays conservative without a syscall per append.
import { statfs } from 'node:fs/promises';

const REFRESH_MS = 1_000;

export class FreeSpace {
  #directory: string;
  #freeBytes = Number.POSITIVE_INFINITY;
  #checkedAtMs = 0;
  #writtenSince = 0;

  constructor(directory: string) {
    this.#directory = directory;
  }

  async freeBytes(): Promise<number> {
    if (Date.now() - this.#checkedAtMs >= REFRESH_MS) {
      try {
        const s = await statfs(this.#directory);
        this.#freeBytes = Number(s.bavail) * Number(s.bsize);
      } catch {
        this.#freeBytes = Number.POSITIVE_INFINITY;
      }
      this.#checkedAtMs = Date.now();
      this.#writtenSince = 0;
    }
    return this.#freeBytes - this.#writtenSince;
  }

  wrote(bytes: number): void {
    this.#writtenSince += bytes;
  }

  /** Forces a fresh statfs at the next check (after files were deleted). */
  invalidate(): void {
    this.#checkedAtMs = 0;
  }
}

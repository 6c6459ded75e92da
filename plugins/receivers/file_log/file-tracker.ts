// Which files are being read, and from where. Each poll, sync() gets the paths the globs list and decides for
// each: a file already open (same inode — possibly renamed), a file seen before (fingerprint matches a
// checkpoint: resume at its offset), a copy of an open file (copytruncate: continue where the original was), or
// a new file (from the start; at start-up with `start_at: end`, from its end). Shrinking or rewritten content
// means copytruncate: the file restarts at 0 under a new identity and the old identity is remembered, so its
// copy (if the globs list it) continues where reading stopped.
import { open, stat, type FileHandle } from 'node:fs/promises';
import type { Logger } from '../../../collector/component/index.js';
import { MAX_FORGOTTEN_FILES, type FileCheckpoint } from './checkpoint-state.js';
import { hashBytes, headMatches, readHead } from './fingerprint.js';
import { TrackedFile } from './tracked-file.js';

/** Most files opened ahead of the listing at once, and how many listings an empty one may wait for content. */
export const MAX_PINNED_FILES = 64;
export const MAX_PINNED_EMPTY_POLLS = 50;

export interface TrackerOptions {
  fingerprintBytes: number;
  maxLineBytes: number;
  encoding: BufferEncoding;
  startAt: 'beginning' | 'end';
  /** Most files open at once; more wait until one is closed (EMFILE protection). */
  maxOpenFiles: number;
}

export interface SyncCounts {
  opened: number;
  truncated: number;
}

export class FileTracker {
  readonly #options: TrackerOptions;
  readonly #logger: Logger;
  readonly #open = new Map<string, TrackedFile>();
  #forgotten: FileCheckpoint[] = [];
  readonly #warned = new Set<string>();
  /** Files opened the moment their name appeared (before the next listing), keyed by `dev:ino`. */
  readonly #pinned = new Map<string, { path: string; handle: FileHandle; polls: number }>();
  #resumed = false;

  constructor(options: TrackerOptions, logger: Logger) {
    this.#options = options;
    this.#logger = logger;
  }

  /**
   * Identities from the saved checkpoint, matched against files as they are found. After any earlier run
   * (`files` defined, even empty), `start_at: end` no longer applies: a file that appeared while the collector was
   * stopped is read from its start, not skipped.
   */
  restore(files: readonly FileCheckpoint[] | undefined): void {
    this.#resumed = files !== undefined;
    this.#forgotten = [...(files ?? [])].slice(-MAX_FORGOTTEN_FILES * 4);
  }

  /** Open files in reading order: the oldest first, so a rotated file is finished before its successor. */
  files(): TrackedFile[] {
    return [...this.#open.values()];
  }

  get openCount(): number {
    return this.#open.size;
  }

  /** Every identity worth saving: open files and recently closed or not-yet-seen ones. */
  checkpoint(): FileCheckpoint[] {
    return [...this.#forgotten.slice(-MAX_FORGOTTEN_FILES), ...[...this.#open.values()].map((f) => f.toCheckpoint())];
  }

  /**
   * Opens a file whose name just appeared (a file-system event), so that it can be read even if it is renamed
   * out of the globs or deleted before the next listing — a rotation faster than a poll loses nothing. The next
   * sync() adopts it. At most MAX_PINNED_FILES wait at once.
   */
  async pin(path: string): Promise<void> {
    if (this.#pinned.size >= MAX_PINNED_FILES || this.#open.size + this.#pinned.size >= this.#options.maxOpenFiles) return;
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch {
      return; // gone already, or not readable: the listing will say
    }
    const st = await handle.stat().catch(() => undefined);
    const key = st ? `${st.dev}:${st.ino}` : '';
    if (!st?.isFile() || this.#open.has(key) || this.#pinned.has(key)) {
      await handle.close().catch(() => undefined);
      return;
    }
    this.#pinned.set(key, { path, handle, polls: 0 });
  }

  async sync(paths: readonly string[], firstPoll: boolean): Promise<SyncCounts> {
    const counts: SyncCounts = { opened: 0, truncated: 0 };
    const seen = new Set<TrackedFile>();
    for (const path of paths) {
      const st = await stat(path).catch(() => undefined);
      if (!st?.isFile()) continue;
      const existing = this.#open.get(`${st.dev}:${st.ino}`);
      if (existing) {
        if (seen.has(existing)) continue; // a second name (hard link) of a file being read
        seen.add(existing);
        existing.path = path;
        existing.missedPolls = 0;
        if (await this.#checkContent(existing, st.size)) counts.truncated += 1;
        continue;
      }
      if (st.size === 0) continue; // nothing to identify it by yet
      if (this.#open.size >= this.#options.maxOpenFiles) {
        this.#warnOnce(`limit:${this.#options.maxOpenFiles}`, 'Too many files match; the others wait until one is closed.', { max_open_files: this.#options.maxOpenFiles, path });
        continue;
      }
      const key = `${st.dev}:${st.ino}`;
      const pinned = this.#pinned.get(key);
      this.#pinned.delete(key);
      const file = await this.#openFile(path, firstPoll, pinned?.handle);
      if (file) {
        this.#open.set(file.key, file);
        seen.add(file);
        counts.opened += 1;
      }
    }
    counts.opened += await this.#adoptPinned();
    for (const file of this.#open.values()) if (!seen.has(file)) file.missedPolls += 1;
    return counts;
  }

  /** Pinned files the listing no longer shows (rotated away or deleted already): read them all the same. */
  async #adoptPinned(): Promise<number> {
    let adopted = 0;
    for (const [key, pin] of [...this.#pinned]) {
      if (this.#open.has(key)) {
        this.#pinned.delete(key);
        await pin.handle.close().catch(() => undefined);
        continue;
      }
      const size = (await pin.handle.stat().catch(() => undefined))?.size ?? 0;
      if (size === 0) {
        pin.polls += 1;
        if (pin.polls > MAX_PINNED_EMPTY_POLLS) {
          this.#pinned.delete(key);
          await pin.handle.close().catch(() => undefined);
        }
        continue;
      }
      this.#pinned.delete(key);
      const file = await this.#openFile(pin.path, false, pin.handle);
      if (file) {
        this.#open.set(file.key, file);
        adopted += 1;
      }
    }
    return adopted;
  }

  /** Stops reading a finished file; its identity is remembered in case it is listed again. */
  async close(file: TrackedFile): Promise<void> {
    this.#open.delete(file.key);
    this.#remember(file.toCheckpoint());
    await file.handle.close().catch(() => undefined);
  }

  async closeAll(): Promise<void> {
    for (const [key, pin] of [...this.#pinned]) {
      this.#pinned.delete(key);
      await pin.handle.close().catch(() => undefined);
    }
    for (const file of [...this.#open.values()]) {
      this.#open.delete(file.key);
      this.#remember(file.toCheckpoint());
      await file.handle.close().catch(() => undefined);
    }
  }

  #remember(entry: FileCheckpoint): void {
    this.#forgotten = this.#forgotten.filter((f) => !(f.id === entry.id && f.matchHash === entry.matchHash));
    this.#forgotten.push(entry);
    if (this.#forgotten.length > MAX_FORGOTTEN_FILES * 4) this.#forgotten = this.#forgotten.slice(-MAX_FORGOTTEN_FILES * 4);
  }

  /** Detects truncation or rewritten content of an open file and grows a short fingerprint. True if it restarted. */
  async #checkContent(file: TrackedFile, size: number): Promise<boolean> {
    const { fingerprintBytes } = this.#options;
    const head = await readHead(file.handle, Math.min(size, fingerprintBytes));
    const replaced = size < file.readOffset || (file.matchLength > 0 && !headMatches(head, file));
    if (replaced) {
      this.#remember(file.toCheckpoint());
      const id = head.length === 0 ? '' : this.#uniqueId(hashBytes(head), file.ino);
      file.restart(id, head.length === 0 ? '' : hashBytes(head), head.length);
      this.#logger.info('File was truncated or rewritten; reading it again from the start.', { path: file.path });
      return true;
    }
    if (head.length > file.matchLength) {
      if (file.matchLength === 0) file.id = this.#uniqueId(hashBytes(head), file.ino);
      file.matchHash = hashBytes(head);
      file.matchLength = head.length;
    }
    return false;
  }

  /** A TrackedFile for `path` (or for the already open `pinned` handle of what was at `path`). */
  async #openFile(path: string, firstPoll: boolean, pinned?: FileHandle): Promise<TrackedFile | undefined> {
    let handle: FileHandle;
    try {
      handle = pinned ?? await open(path, 'r');
    } catch (error) {
      this.#warnOnce(`open:${path}`, 'Could not open a log file; trying again at each poll.', { path, error: String(error) });
      return undefined;
    }
    try {
      const st = await handle.stat();
      const { fingerprintBytes, maxLineBytes, encoding, startAt } = this.#options;
      const head = await readHead(handle, Math.min(st.size, fingerprintBytes));
      if (head.length === 0) {
        await handle.close();
        return undefined;
      }
      const hash = hashBytes(head);
      const make = (id: string, offset: number): TrackedFile => new TrackedFile({
        id, matchHash: hash, matchLength: head.length, path, dev: st.dev, ino: st.ino, handle, offset, maxLineBytes, encoding,
      });

      // A full-fingerprint copy of a file being read (copytruncate's copy): continue where that one stands.
      if (head.length === fingerprintBytes) {
        for (const other of this.#open.values()) {
          if (other.matchLength === fingerprintBytes && other.matchHash === hash) {
            return make(other.id, Math.min(other.committed, st.size));
          }
        }
      }
      // Seen before (a checkpoint from before a restart, a closed file, the old content of a truncated one).
      let best: FileCheckpoint | undefined;
      for (const entry of this.#forgotten) {
        if (!headMatches(head, entry)) continue;
        const sameInode = entry.dev === st.dev && entry.ino === st.ino;
        const bestSameInode = best !== undefined && best.dev === st.dev && best.ino === st.ino;
        if (!best || entry.matchLength > best.matchLength || (entry.matchLength === best.matchLength && sameInode && !bestSameInode)) best = entry;
      }
      if (best) {
        const entry = best;
        this.#forgotten = this.#forgotten.filter((f) => f !== entry);
        if (entry.offset <= st.size) return make(entry.id, entry.offset);
        return make(this.#uniqueId(hash, st.ino), 0); // shorter than where we were: new content
      }
      return make(this.#uniqueId(hash, st.ino), firstPoll && startAt === 'end' && !this.#resumed ? st.size : 0);
    } catch (error) {
      await handle.close().catch(() => undefined);
      this.#warnOnce(`open:${path}`, 'Could not read a log file; trying again at each poll.', { path, error: String(error) });
      return undefined;
    }
  }

  /** Logs a problem the first time it happens (a bounded set of keys), not at every poll. */
  #warnOnce(key: string, message: string, fields: Record<string, unknown>): void {
    if (this.#warned.has(key)) return;
    if (this.#warned.size >= 1000) this.#warned.clear();
    this.#warned.add(key);
    this.#logger.warn(message, fields);
  }

  /** The fingerprint id, unless an open file already uses it (identical first bytes): then made unique by inode. */
  #uniqueId(hash: string, ino: number): string {
    for (const other of this.#open.values()) if (other.id === hash) return `${hash}-${ino}`;
    return hash;
  }
}

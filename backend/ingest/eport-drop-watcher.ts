// Watches the ePort drop folder (`eport.drop_dir`: where the USAT server's FTP/e-mail forwarding — or the device
// simulator — leaves one file per payload) and ingests each file: stored or duplicate → moved to processed/,
// unreadable → moved to rejected/ with a `.reason.txt` beside it. A file that could not be stored (storage
// back-pressure) stays and is tried again at the next scan. processed/ doubles as the persistent duplicate check:
// a file whose name is already there is a re-delivery and is removed without storing it again.
import { watch, type FSWatcher } from 'node:fs';
import { mkdir, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dropFileExists, parseDropFileName } from '../../eport/sim/drop-folder.js';
import type { EportIngest } from './eport-ingest.js';

export interface DropWatcherOptions {
  dropDir: string;
  processedDir?: string;
  rejectedDir?: string;
  /** Full rescan interval (fs.watch events trigger scans sooner). */
  pollMs?: number;
  onError?: (message: string) => void;
}

export interface DropScanCounts {
  stored: number;
  duplicates: number;
  rejected: number;
  deferred: number;
}

export class EportDropWatcher {
  readonly #ingest: EportIngest;
  readonly #dropDir: string;
  readonly #processedDir: string;
  readonly #rejectedDir: string;
  readonly #pollMs: number;
  readonly #onError: (message: string) => void;
  #watcher: FSWatcher | undefined;
  #timer: NodeJS.Timeout | undefined;
  #scanning: Promise<DropScanCounts> | undefined;
  #again = false;
  #closed = false;
  readonly totals: DropScanCounts = { stored: 0, duplicates: 0, rejected: 0, deferred: 0 };

  constructor(ingest: EportIngest, options: DropWatcherOptions) {
    this.#ingest = ingest;
    this.#dropDir = options.dropDir;
    this.#processedDir = options.processedDir ?? join(options.dropDir, 'processed');
    this.#rejectedDir = options.rejectedDir ?? join(options.dropDir, 'rejected');
    this.#pollMs = options.pollMs ?? 1_000;
    this.#onError = options.onError ?? (() => undefined);
  }

  async start(): Promise<void> {
    await mkdir(this.#processedDir, { recursive: true });
    await mkdir(this.#rejectedDir, { recursive: true });
    try {
      this.#watcher = watch(this.#dropDir, () => this.#kick());
      this.#watcher.on('error', (error) => this.#onError(`watch failed: ${error.message}`));
    } catch (error) {
      this.#onError(`cannot watch ${this.#dropDir}: ${(error as Error).message}; polling only`);
    }
    this.#timer = setInterval(() => this.#kick(), this.#pollMs);
    this.#timer.unref();
    this.#kick();
  }

  /** Scans until the folder holds nothing new; resolves with this scan's counts. */
  scan(): Promise<DropScanCounts> {
    if (this.#scanning) {
      this.#again = true;
      return this.#scanning;
    }
    this.#scanning = (async () => {
      const counts: DropScanCounts = { stored: 0, duplicates: 0, rejected: 0, deferred: 0 };
      do {
        this.#again = false;
        await this.#scanOnce(counts);
      } while (this.#again && !this.#closed);
      return counts;
    })().finally(() => { this.#scanning = undefined; });
    return this.#scanning;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#watcher?.close();
    if (this.#timer) clearInterval(this.#timer);
    await this.#scanning;
  }

  #kick(): void {
    if (this.#closed) return;
    this.scan().catch((error: unknown) => this.#onError(`scan failed: ${(error as Error).message}`));
  }

  async #scanOnce(counts: DropScanCounts): Promise<void> {
    const names = (await readdir(this.#dropDir, { withFileTypes: true }))
      .filter((d) => d.isFile() && !d.name.startsWith('.') && !d.name.endsWith('.tmp'))
      .map((d) => d.name)
      .sort();
    for (const name of names) {
      if (this.#closed) return;
      const path = join(this.#dropDir, name);
      if (await dropFileExists(join(this.#processedDir, name))) {
        await unlink(path).catch(() => undefined);
        counts.duplicates += 1;
        this.totals.duplicates += 1;
        continue;
      }
      let payload: Buffer, receivedAtMs: number;
      try {
        payload = await readFile(path);
        receivedAtMs = Math.floor((await stat(path)).mtimeMs);
      } catch {
        continue; // taken away meanwhile
      }
      const fromName = parseDropFileName(name);
      let result;
      try {
        result = await this.#ingest.ingest(payload, { receivedAtMs, ...(fromName ? { fallbackId: { bootId: fromName.bootId, sequence: fromName.sequence } } : {}) });
      } catch (error) {
        counts.deferred += 1;
        this.totals.deferred += 1;
        this.#onError(`${name}: not stored yet (${(error as Error).message}); will retry`);
        continue;
      }
      if (result.outcome === 'rejected') {
        await writeFile(join(this.#rejectedDir, `${name}.reason.txt`), `FLEETLOG_ERR_EPORT_PAYLOAD: ${result.reason}\n`);
        await rename(path, join(this.#rejectedDir, name));
        counts.rejected += 1;
        this.totals.rejected += 1;
      } else {
        await rename(path, join(this.#processedDir, name));
        if (result.outcome === 'stored') {
          counts.stored += 1;
          this.totals.stored += 1;
        } else {
          counts.duplicates += 1;
          this.totals.duplicates += 1;
        }
      }
    }
  }
}

// File-system events as a hint to read sooner. Polling stays the source of truth: a folder that cannot be
// watched (missing, too many watches, a network mount) simply is not, and is tried again at the next sync.
import { watch, type FSWatcher } from 'node:fs';

/** `rename`: a name appeared or went (create, delete, rename); `change`: a file's content changed. */
export type WatchEvent = 'rename' | 'change';

export class DirectoryWatcher {
  readonly #onChange: (event: WatchEvent, directory: string, name: string | undefined) => void;
  readonly #watchers = new Map<string, FSWatcher>();
  #closed = false;

  constructor(onChange: (event: WatchEvent, directory: string, name: string | undefined) => void) {
    this.#onChange = onChange;
  }

  /** Watches exactly `directories` (starts the new ones, stops the others). */
  sync(directories: ReadonlySet<string>): void {
    if (this.#closed) return;
    for (const [directory, watcher] of this.#watchers) {
      if (!directories.has(directory)) {
        watcher.close();
        this.#watchers.delete(directory);
      }
    }
    for (const directory of directories) {
      if (this.#watchers.has(directory)) continue;
      try {
        const watcher = watch(directory, { persistent: false }, (event, name) => {
          this.#onChange(event === 'rename' ? 'rename' : 'change', directory, typeof name === 'string' ? name : undefined);
        });
        watcher.on('error', () => {
          watcher.close();
          if (this.#watchers.get(directory) === watcher) this.#watchers.delete(directory);
        });
        this.#watchers.set(directory, watcher);
      } catch {
        // not watchable now: polling covers it
      }
    }
  }

  get size(): number {
    return this.#watchers.size;
  }

  close(): void {
    this.#closed = true;
    for (const watcher of this.#watchers.values()) watcher.close();
    this.#watchers.clear();
  }
}

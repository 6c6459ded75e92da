// Opens the configured engine, runs the migrations, returns the Store.
import type { StorageConfig } from '../config.js';
import { ChdbEngine } from './chdb-engine.js';
import type { SqlEngine } from './engine.js';
import { HttpEngine } from './http-engine.js';
import { Store } from './store.js';

export async function openStore(storage: StorageConfig, options: { migrate?: boolean } = {}): Promise<Store> {
  const engine: SqlEngine = storage.engine === 'embedded'
    ? await ChdbEngine.open(storage.path)
    : await HttpEngine.open({
      url: storage.url ?? 'http://127.0.0.1:8123', username: storage.user, password: storage.password,
      database: 'default', requestTimeoutMs: storage.requestTimeoutMs,
    });
  return openStoreOn(engine, storage, options);
}

/** The store over an engine already opened (closed again if the migrations fail). */
export async function openStoreOn(engine: SqlEngine, storage: StorageConfig, options: { migrate?: boolean } = {}): Promise<Store> {
  try {
    const fullTextIndex = engine.kind === 'embedded' ? 'text' : await fullTextIndexFor(engine);
    const store = new Store(engine, { db: storage.database, cluster: storage.cluster, fullTextIndex, retentionDays: storage.retentionDays });
    if (options.migrate !== false) await store.migrate();
    return store;
  } catch (error) {
    await engine.close();
    throw error;
  }
}

/** The `text` index is GA from ClickHouse 26.2; older servers get a token bloom filter (same queries). */
async function fullTextIndexFor(engine: SqlEngine): Promise<'text' | 'tokenbf'> {
  const [row] = await engine.query<{ v: string }>('SELECT version() AS v');
  const [major = 0, minor = 0] = (row?.v ?? '0.0').split('.').map(Number);
  return major > 26 || (major === 26 && minor >= 2) ? 'text' : 'tokenbf';
}

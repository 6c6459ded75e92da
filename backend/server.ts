// Listens: the backend's HTTP server on config host:port (127.0.0.1:4318 by default; FLEETLOG_PORT overrides,
// applied in config.ts). Port 0 picks a free port (tests). close() stops accepting, stores what is waiting,
// and closes the store.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp, type BackendApp } from './app.js';
import type { BackendConfig } from './config.js';
import { openStore } from './store/open-store.js';
import type { Store } from './store/store.js';

export interface RunningBackend {
  readonly url: string;
  readonly port: number;
  readonly backend: BackendApp;
  close(): Promise<void>;
}

export async function startBackend(config: BackendConfig, options: { store?: Store; now?: () => number } = {}): Promise<RunningBackend> {
  const store = options.store ?? await openStore(config.storage);
  const backend = createApp({ store, config, ...(options.now ? { now: options.now } : {}) });
  let server: Server;
  try {
    server = await new Promise<Server>((resolve, reject) => {
      // express 5 calls this back with the listen error too (EADDRINUSE): resolve only when listening.
      const s = backend.app.listen(config.port, config.host, (error?: Error) => (error ? reject(error) : resolve(s)));
      s.once('error', reject);
    });
  } catch (error) {
    await backend.close();
    if (!options.store) await store.close();
    throw error;
  }
  server.requestTimeout = 120_000;
  server.keepAliveTimeout = 5_000;
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`,
    port,
    backend,
    close: () => (closing ??= (async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        // Requests still running (a long export) get 10 s, then their connections are cut.
        setTimeout(() => server.closeAllConnections(), 10_000).unref();
      });
      await backend.close();
      if (!options.store) await store.close();
    })()),
  };
}

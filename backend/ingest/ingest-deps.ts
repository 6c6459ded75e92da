// What the ingest routes need from the app.
import type { DeviceKeys } from '../auth/device-keys.js';
import type { IngestConfig } from '../config.js';
import type { BackendMetrics } from '../metrics.js';
import type { InsertBatcher } from './insert-batcher.js';

export interface IngestDeps {
  readonly keys: DeviceKeys;
  readonly batcher: InsertBatcher;
  readonly ingest: IngestConfig;
  readonly metrics: BackendMetrics;
  readonly now: () => number;
}

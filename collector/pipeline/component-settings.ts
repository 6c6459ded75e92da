// The Settings the host hands each component: its id, a logger tagged with kind and id, a meter labelled with
// its id, a private storage folder (created here), the device resource, and a status reporter.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ComponentStatus, Kind, Logger, Settings } from '../component/contract.js';
import type { Attributes } from '../component/log-record.js';
import type { StatusBoard } from '../telemetry/component-status.js';
import type { MetricsRegistry } from '../telemetry/metrics-registry.js';

export interface SettingsHost {
  readonly logger: Logger;
  readonly metrics: MetricsRegistry;
  readonly status: StatusBoard;
  readonly storageDirectory: string;
  readonly resource: Readonly<Attributes>;
}

/** A file-name-safe form of an id (`file/archive` → `file%2farchive`), the same rule as the queue folders. */
export function safeName(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]/g, (c) => `%${c.charCodeAt(0).toString(16)}`);
}

/**
 * Settings for one component. `statusId` tells per-pipeline instances apart on the status board (`id@pipeline`
 * for processors); `pipeline` is added as a metric label for them.
 */
export function componentSettings(host: SettingsHost, kind: Kind, id: string, options: { pipeline?: string } = {}): Settings {
  const statusId = options.pipeline === undefined ? id : `${id}@${options.pipeline}`;
  const storageDir = options.pipeline === undefined
    ? join(host.storageDirectory, `${kind}s`, safeName(id))
    : join(host.storageDirectory, `${kind}s`, safeName(id), safeName(options.pipeline));
  mkdirSync(storageDir, { recursive: true });
  const logger = host.logger.child(options.pipeline === undefined ? { kind, id } : { kind, id, pipeline: options.pipeline });
  host.status.add(kind, statusId);
  return {
    id,
    kind,
    logger,
    meter: host.metrics.meter(options.pipeline === undefined ? { [kind]: id } : { [kind]: id, pipeline: options.pipeline }),
    storageDir,
    resource: host.resource,
    reportStatus: (status: ComponentStatus, error?: Error) => {
      const before = host.status.get(kind, statusId)?.status;
      if (!host.status.report(kind, statusId, status, error)) return;
      if (before === status && status !== 'recoverable_error') return;
      if (status === 'permanent_error') logger.error('Component reports a permanent error.', { error });
      else if (status === 'recoverable_error') logger.warn('Component reports a recoverable error.', { error });
      else if (before === 'recoverable_error' && status === 'ok') logger.info('Component recovered.');
    },
  };
}

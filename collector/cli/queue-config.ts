// Loads the site config for the `fleetlog queue …` commands and lists each exporter with its queue folder and
// delivery settings, exactly as the collector derives them.
import { resolve } from 'node:path';
import type { CommandIo } from './command.js';
import { formatIssue } from '../config/issue.js';
import { loadConfig } from '../config/load-config.js';
import { toDeliveryConfig, type DeliveryConfig, type DeliveryYaml } from '../delivery/config.js';
import { queueDirectoryFor } from '../delivery/queue-paths.js';

export interface ExporterQueue {
  id: string;
  directory: string;
  delivery: DeliveryConfig;
}

/** The exporters' queues, or undefined after printing the config's errors. */
export async function loadExporterQueues(file: string, io: CommandIo): Promise<ExporterQueue[] | undefined> {
  const loaded = await loadConfig(resolve(io.cwd, file), { env: io.env, cwd: io.cwd });
  if (!loaded.config) {
    for (const issue of loaded.issues.filter((i) => i.severity === 'error')) io.stderr.write(`${formatIssue(issue)}\n`);
    return undefined;
  }
  const { storageDirectory, exporters } = loaded.config;
  return Object.values(exporters).map((entry) => ({
    id: entry.id,
    directory: queueDirectoryFor(storageDirectory, entry.id),
    delivery: toDeliveryConfig(entry.config as DeliveryYaml),
  }));
}

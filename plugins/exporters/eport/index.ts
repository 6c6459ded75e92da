import { defineExporter } from '../../../collector/component/index.js';
import { configSchema, toOptions, validate, type EportExporterConfig } from './config.js';
import { EportExporter } from './exporter.js';

export default defineExporter<EportExporterConfig>({
  type: 'eport',
  stability: 'alpha',
  description: 'Sends CRITICAL at once and ERROR/WARN in windows over the ePort card reader\'s serial link, packed into ≤ 900-byte payloads within a daily cellular budget.',
  configSchema,
  // The PRD's schedule: a window of up to an hour over the durable queue, closed at once by a CRITICAL record.
  hostDefaults: { batch: { max_age: '1h', flush_severity: 'CRITICAL', max_records: 10_000, max_bytes: '8MiB' } },
  validate,
  resources: (config) => [`serial:${config.path}`],
  create: (settings, config) => new EportExporter(settings, toOptions(config)),
});

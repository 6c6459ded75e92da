import { defineExporter } from '../../../collector/component/index.js';
import { configSchema, type DebugExporterConfig } from './config.js';
import { DebugExporter } from './exporter.js';

export default defineExporter<DebugExporterConfig>({
  type: 'debug',
  stability: 'alpha',
  description: 'Prints records for humans to stdout or stderr.',
  configSchema,
  create: (_settings, config) => new DebugExporter(
    config.output === 'stderr' ? process.stderr : process.stdout,
    config.verbosity ?? 'basic',
  ),
});

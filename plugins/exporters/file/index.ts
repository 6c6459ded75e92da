import { resolve } from 'node:path';
import { defineExporter } from '../../../collector/component/index.js';
import { configSchema, toOptions, type FileExporterConfig } from './config.js';
import { FileExporter } from './exporter.js';

export default defineExporter<FileExporterConfig>({
  type: 'file',
  stability: 'alpha',
  description: 'Writes records as JSON lines to a local file with size rotation (the local tier).',
  configSchema,
  resources: (config) => [`file:${resolve(config.path)}`],
  // A local durable destination (send() fsyncs before ok): the disk queue in front of it adds no safety, only a
  // second write and fsync of every record. queue.mode: durable in the YAML brings it back.
  hostDefaults: { queue: { mode: 'direct' } },
  create: (settings, config) => new FileExporter(settings, toOptions(config)),
});

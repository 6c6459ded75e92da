import { resolve } from 'node:path';
import { defineReceiver } from '../../../collector/component/index.js';
import { configSchema, toOptions, type FileLogConfig } from './config.js';
import { FileLogReceiver } from './receiver.js';

export default defineReceiver<FileLogConfig>({
  type: 'file_log',
  stability: 'alpha',
  description: 'Tails log files (globs, rotation, checkpoints) and parses JSON or Python logging lines.',
  configSchema,
  // Two receivers tailing the same glob would each read (and checkpoint) every line: one claim per include.
  resources: (config) => config.include.map((glob) => `file:${resolve(glob)}`),
  create: (settings, config, next) => new FileLogReceiver(settings, toOptions(config), next),
});

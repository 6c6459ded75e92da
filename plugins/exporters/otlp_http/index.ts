import { defineExporter } from '../../../collector/component/index.js';
import { configSchema, toOptions, validateConfig, type OtlpHttpConfig } from './config.js';
import { OtlpHttpExporter } from './exporter.js';

export default defineExporter<OtlpHttpConfig>({
  type: 'otlp_http',
  stability: 'alpha',
  description: 'Sends records to an OTLP/HTTP endpoint (fleetlog backend, OpenTelemetry Collector …) as protobuf or JSON.',
  configSchema,
  validate: validateConfig,
  create: (settings, config) => new OtlpHttpExporter(settings, toOptions(config)),
});

// Test helper: real OTLP request bodies, encoded by the OpenTelemetry JS SDK's own serializers (dev dependency),
// from log records emitted through a real LoggerProvider.
import type { AnyValueMap } from '@opentelemetry/api-logs';
import { JsonLogsSerializer, ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';

export interface FixtureRecord {
  readonly body: string;
  readonly severityNumber?: number;
  readonly severityText?: string;
  readonly timeMs?: number;
  readonly attributes?: AnyValueMap;
  readonly eventName?: string;
}

export interface OtlpBodies {
  readonly proto: Buffer;
  readonly json: Buffer;
}

export async function otlpBodies(resource: Record<string, string | number | boolean>, records: readonly FixtureRecord[]): Promise<OtlpBodies> {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({ resource: resourceFromAttributes(resource), processors: [new SimpleLogRecordProcessor({ exporter })] });
  const logger = provider.getLogger('fixture', '1.0.0');
  for (const r of records) {
    logger.emit({
      body: r.body,
      severityNumber: r.severityNumber ?? 9,
      severityText: r.severityText ?? 'INFO',
      ...(r.timeMs !== undefined ? { timestamp: r.timeMs } : {}),
      ...(r.attributes ? { attributes: r.attributes } : {}),
      ...(r.eventName ? { eventName: r.eventName } : {}),
    });
  }
  await provider.forceFlush();
  const finished = exporter.getFinishedLogRecords();
  const proto = ProtobufLogsSerializer.serializeRequest(finished);
  const json = JsonLogsSerializer.serializeRequest(finished);
  await provider.shutdown();
  if (!proto || !json) throw new Error('serializer produced nothing');
  return { proto: Buffer.from(proto), json: Buffer.from(json) };
}

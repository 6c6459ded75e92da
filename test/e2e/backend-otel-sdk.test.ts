// An application instrumented with the OpenTelemetry JS SDK (sdk-logs + exporter-logs-otlp-http, and the protobuf
// exporter) sends logs to a real backend with a device key; they are queryable through GET /api/logs.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter as HttpJsonExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as HttpProtoExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider, type LogRecordExporter } from '@opentelemetry/sdk-logs';
import { startTempBackend, type TempBackend } from '../../backend/testing/temp-backend.js';

let b: TempBackend;
before(async () => { b = await startTempBackend(); });
after(async () => { await b.stop(); });

async function emitWith(exporter: LogRecordExporter, machineId: string, count: number): Promise<void> {
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'vend-controller', 'device.id': machineId, site: 'depot-7' }),
    processors: [new BatchLogRecordProcessor({ exporter, maxExportBatchSize: 50 })],
  });
  const logger = provider.getLogger('vend', '2.1.0');
  for (let i = 0; i < count; i += 1) {
    logger.emit({
      severityNumber: i % 10 === 0 ? SeverityNumber.ERROR : SeverityNumber.INFO,
      severityText: i % 10 === 0 ? 'ERROR' : 'INFO',
      body: `vend ${i} slot ${i % 12}`,
      attributes: { component: i % 10 === 0 ? 'payment' : 'motor', 'log.record.uid': `${machineId}-${i}`, slot: i % 12 },
    });
  }
  await provider.forceFlush();
  await provider.shutdown();
}

for (const [name, Exporter, source] of [['exporter-logs-otlp-http (JSON)', HttpJsonExporter, 'otlp_json'], ['exporter-logs-otlp-proto (protobuf)', HttpProtoExporter, 'otlp_proto']] as const) {
  test(`${name}: logs from the SDK are queryable through /api/logs`, async () => {
    const machineId = `SDK-${source}`;
    const key = await b.key(machineId);
    const exporter = new Exporter({ url: `${b.url}/v1/logs`, headers: { authorization: `Bearer ${key}` } });
    await emitWith(exporter, machineId, 120);
    const seen: { body: string; level: string; component: string; source: string; record_id: string; site: string; resource: Record<string, string> }[] = [];
    let cursor: string | null = null;
    do {
      const { status, body } = await b.admin(`/api/logs?machine_id=${machineId}&limit=50${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(status, 200);
      seen.push(...body.logs);
      cursor = body.next_cursor;
    } while (cursor);
    assert.equal(seen.length, 120);
    assert.equal(new Set(seen.map((l) => l.record_id)).size, 120);
    assert.ok(seen.every((l) => l.source === source && l.site === 'depot-7' && l.resource['service.name'] === 'vend-controller'));
    const errors = (await b.admin(`/api/logs?machine_id=${machineId}&level=ERROR&limit=1000`)).body.logs as { body: string; component: string }[];
    assert.equal(errors.length, 12);
    assert.ok(errors.every((l) => l.component === 'payment'));
    assert.ok(seen.some((l) => l.body === 'vend 119 slot 11'));
  });
}

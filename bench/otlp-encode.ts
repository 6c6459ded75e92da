// Encoding cost of the otlp_http exporter's protobuf body, per 1,000-record batch: the direct encoder
// (plugins/exporters/otlp_http/protobuf-encoder.ts) against the previous path, SDK records (to-sdk-records.ts) +
// @opentelemetry/otlp-transformer's ProtobufLogsSerializer. Records are shaped like file_log's (a Python logging
// line: component and logger attributes, record id, boot id, ~90-character message).
// Then gzip of the protobuf body at levels 1–9, on file_log-shaped batches of the demo simulator's activity
// (bench/vending-batch.ts: Python lines, and JSON lines with context): compressed size and CPU per batch (this
// process's user + system time, thread pool included), gzipSync and the async zlib.gzip the exporter used before.
//
//   node --import tsx bench/otlp-encode.ts [--records 1000] [--rounds 15] [--ms-per-round 300] [--gzip-only]
import { promisify } from 'node:util';
import { gzip, gzipSync } from 'node:zlib';
import { ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import type { LogBatch, LogRecord } from '../collector/component/index.js';
import { msToUnixNano } from '../collector/component/index.js';
import { encodeLogsRequestProto } from '../plugins/exporters/otlp_http/protobuf-encoder.js';
import { toSdkRecords } from '../plugins/exporters/otlp_http/to-sdk-records.js';
import { vendingBatch } from './vending-batch.js';
import { medianMsPerCall } from './median-ms-per-call.js';

const args = process.argv.slice(2);
const argValue = (name: string, fallback: number): number => {
  const i = args.indexOf(name);
  return i === -1 ? fallback : Number(args[i + 1]);
};
const RECORDS = argValue('--records', 1000);
const ROUNDS = argValue('--rounds', 15);
const MS_PER_ROUND = argValue('--ms-per-round', 300);

const COMPONENTS = ['payment', 'motor', 'door', 'cooling', 'display'];
const LEVELS: Array<[number, string]> = [[5, 'DEBUG'], [9, 'INFO'], [13, 'WARN'], [17, 'ERROR']];

function batchOf(count: number): LogBatch {
  const startMs = Date.UTC(2026, 10, 21, 2, 0, 0);
  const records: LogRecord[] = [];
  for (let i = 0; i < count; i += 1) {
    const [severityNumber, severityText] = LEVELS[i % LEVELS.length]!;
    const component = COMPONENTS[i % COMPONENTS.length]!;
    records.push({
      timeUnixNano: msToUnixNano(startMs + i * 0.2),
      observedTimeUnixNano: msToUnixNano(startMs + i * 0.2 + 3.1),
      severityNumber,
      severityText,
      body: `${component} controller: cycle ${i} finished in ${(i % 97) + 3} ms, state=ok, slot=${i % 60}`,
      attributes: { component, logger: `vending.${component}`, 'log.file.name': 'vending.log' },
      recordId: `f1e2d3c4b5a69788:${i * 118}`,
      bootId: '8c0f4a5e-3b1d-4c2a-9e7f-0123456789ab',
    });
  }
  return { resource: { 'device.id': 'VM001', site: 'lobby', 'service.name': 'vending' }, records };
}

function before(batch: LogBatch): Uint8Array {
  return ProtobufLogsSerializer.serializeRequest(toSdkRecords(batch))!;
}

function after(batch: LogBatch): Uint8Array {
  return encodeLogsRequestProto(batch);
}

/** Median milliseconds per call over ROUNDS rounds of MS_PER_ROUND each. */
function measure(encode: (batch: LogBatch) => Uint8Array, batch: LogBatch): number {
  return medianMsPerCall(() => encode(batch), ROUNDS, MS_PER_ROUND);
}

const gzipAsync = promisify(gzip);

/** CPU milliseconds (user + system, all threads) per call, median of ROUNDS rounds of MS_PER_ROUND each. */
async function cpuPerCall(call: () => unknown): Promise<number> {
  for (let i = 0; i < 10; i += 1) await call(); // warm-up
  const perCall: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    let calls = 0;
    const start = performance.now();
    const cpu = process.cpuUsage();
    while (performance.now() - start < MS_PER_ROUND) {
      await call();
      calls += 1;
    }
    const used = process.cpuUsage(cpu);
    perCall.push((used.user + used.system) / 1000 / calls);
  }
  perCall.sort((a, b) => a - b);
  return perCall[Math.floor(perCall.length / 2)]!;
}

async function gzipLevels(): Promise<void> {
  for (const format of ['python', 'json'] as const) {
    const raw = encodeLogsRequestProto(vendingBatch(RECORDS, format));
    console.log(`gzip, ${RECORDS} records from ${format} lines: ${raw.length} B of protobuf; per 1,000 records`);
    const scale = 1000 / RECORDS;
    for (let level = 1; level <= 9; level += 1) {
      const size = gzipSync(raw, { level }).length;
      const sync = await cpuPerCall(() => gzipSync(raw, { level }));
      const line = `  level ${level}: ${Math.round(size * scale)} B (${(100 * size / raw.length).toFixed(1)} %), gzipSync ${(sync * scale).toFixed(3)} ms CPU`;
      if (level === 1 || level === 6) {
        const async = await cpuPerCall(() => gzipAsync(raw, { level }));
        console.log(`${line}, zlib.gzip (async) ${(async * scale).toFixed(3)} ms CPU`);
      } else console.log(line);
    }
  }
}

if (args.includes('--gzip-only')) {
  await gzipLevels();
  process.exit(0);
}

const batch = batchOf(RECORDS);
const oldBytes = before(batch);
const newBytes = after(batch);
console.log(`node ${process.version}, ${RECORDS} records per batch, median of ${ROUNDS} rounds × ${MS_PER_ROUND} ms`);
// Interleaved so that both see the same machine load.
const results = { before: [] as number[], after: [] as number[] };
for (let pass = 0; pass < 2; pass += 1) {
  results.before.push(measure(before, batch));
  results.after.push(measure(after, batch));
}
const scale = 1000 / RECORDS;
const show = (ms: number[]): string => ms.map((v) => (v * scale).toFixed(3)).join(' / ');
console.log(`before (SDK records + otlp-transformer): ${show(results.before)} ms per 1,000 records; ${oldBytes.length} B (gzip ${gzipSync(oldBytes).length} B)`);
console.log(`after  (protobuf-encoder.ts):            ${show(results.after)} ms per 1,000 records; ${newBytes.length} B (gzip ${gzipSync(newBytes).length} B)`);
await gzipLevels();

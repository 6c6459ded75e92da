// Encoding cost of the `file` exporter's JSON lines, per 1,000-record batch of file_log-shaped records
// (bench/vending-batch.ts): JSON.stringify of the documented object per line (the reference the tests compare
// with), joined and UTF-8 encoded, against what the exporter does — each record written by record-json.ts's
// writeRecordJson into one reused JsonBytes buffer, which is then written to the file as it is.
//
//   node --import tsx bench/file-encode.ts [--records 1000] [--rounds 15] [--ms-per-round 300] [--format python|json]
import type { Attributes, LogBatch, LogRecord } from '../collector/component/index.js';
import { JsonBytes, levelOfSeverity } from '../collector/component/index.js';
import { batchJson, isoOfUnixNano, recordToJsonLine, writeRecordJson } from '../plugins/exporters/file/record-json.js';
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
const FORMAT = args.includes('--format') ? args[args.indexOf('--format') + 1] : 'python';
if (FORMAT !== 'python' && FORMAT !== 'json') throw new Error(`--format python|json, not ${FORMAT}`);

/** The line as the object it documents, stringified. */
function referenceLine(record: LogRecord, resource: Attributes): string {
  const { component, ...context } = record.attributes;
  const machine = resource['device.id'];
  const line: Record<string, unknown> = {
    timestamp: isoOfUnixNano(record.timeUnixNano) ?? isoOfUnixNano(record.observedTimeUnixNano),
    machine_id: typeof machine === 'string' ? machine : null,
    level: levelOfSeverity(record.severityNumber) ?? null,
    component: typeof component === 'string' ? component : null,
    message: record.body,
    context,
    time_unix_nano: record.timeUnixNano,
    observed_time_unix_nano: record.observedTimeUnixNano,
    severity_number: record.severityNumber,
    severity_text: record.severityText,
  };
  if (record.recordId !== undefined) line.record_id = record.recordId;
  line.resource = resource;
  return `${JSON.stringify(line)}\n`;
}

function reference(batch: LogBatch): number {
  const lines: string[] = [];
  for (const record of batch.records) lines.push(referenceLine(record, batch.resource));
  return Buffer.from(lines.join('')).length;
}

const out = new JsonBytes();
const lineEnds: number[] = [];

/** The exporter's #encodeBatch: the lines into the reused buffer, and where each ends (for rotation). */
function exporterBytes(batch: LogBatch): number {
  out.reset();
  lineEnds.length = 0;
  const json = batchJson(batch.resource);
  for (const record of batch.records) {
    writeRecordJson(out, record, json);
    lineEnds.push(out.length);
  }
  return out.view().length;
}

/** Median milliseconds per call over ROUNDS rounds of MS_PER_ROUND each. */
function measure(encode: (batch: LogBatch) => number, batch: LogBatch): number {
  return medianMsPerCall(() => encode(batch), ROUNDS, MS_PER_ROUND);
}

const batch = vendingBatch(RECORDS, FORMAT);
for (const record of batch.records) {
  if (recordToJsonLine(record, batch.resource) !== referenceLine(record, batch.resource)) throw new Error('recordToJsonLine differs from the reference');
}
console.log(`node ${process.version}, ${RECORDS} ${FORMAT}-line records per batch (${(exporterBytes(batch) / RECORDS).toFixed(0)} B per line), median of ${ROUNDS} rounds × ${MS_PER_ROUND} ms`);
// Interleaved so that both see the same machine load.
const results = { reference: [] as number[], exporter: [] as number[] };
for (let pass = 0; pass < 2; pass += 1) {
  results.reference.push(measure(reference, batch));
  results.exporter.push(measure(exporterBytes, batch));
}
const scale = 1000 / RECORDS;
const show = (ms: number[]): string => ms.map((v) => (v * scale).toFixed(3)).join(' / ');
console.log(`JSON.stringify per line, joined, Buffer.from: ${show(results.reference)} ms per 1,000 records`);
console.log(`writeRecordJson into a reused JsonBytes:      ${show(results.exporter)} ms per 1,000 records`);

// A batch as the `file_log` receiver makes it from a vending machine's log: the demo simulator's seeded activity
// (payments, dispenses, flow meter, door, temperature, occasional errors) written as Python logging lines (message
// only) or as the PRD's JSON lines (with context: transaction ids, amounts …), each line parsed by file_log's own
// parser (as `parser: auto` would) and given the receiver's attributes (log.file.path, log.file.name) and record id
// (`<file fingerprint>:<byte offset>`), under the resource of configs/pi-vending.yaml. For the exporters'
// micro-benches: realistic text for compression and realistic shapes for encoders.
import type { LogBatch, LogRecord } from '../collector/component/index.js';
import { formatLogLine } from '../demo/log-line.js';
import { VendingSimulator } from '../demo/vending-simulator.js';
import type { LogLineFormat } from '../demo/log-line.js';
import { createLineParser } from '../plugins/receivers/file_log/parse-line.js';

const PATH = '/var/log/vending/vending_machine.log';
const NAME = 'vending_machine.log';
const FINGERPRINT = '9f2c4e1a7b3d5f60';

/** `count` records, the same for the same seed; logsPerHour as the simulator's (the bench rate: 5,000 lines/s). */
export function vendingBatch(count: number, format: LogLineFormat = 'python', seed = 1): LogBatch {
  const simulator = new VendingSimulator({ seed, logsPerHour: 5000 * 3600 });
  const parse = createLineParser('auto', 'utc');
  const observed = `${Date.UTC(2026, 0, 22, 0, 0, 1)}000000`;
  const records: LogRecord[] = [];
  let offset = 0;
  for (const entry of simulator.take(count)) {
    const line = formatLogLine(entry, format);
    const { parsed, recognised } = parse(line);
    if (!recognised) throw new Error(`file_log does not parse: ${line}`);
    const { attributes } = parsed;
    attributes['log.file.path'] = PATH;
    attributes['log.file.name'] = NAME;
    records.push({
      timeUnixNano: parsed.timeUnixNano,
      observedTimeUnixNano: observed,
      severityNumber: parsed.severityNumber,
      severityText: parsed.severityText,
      body: parsed.body,
      attributes,
      recordId: `${FINGERPRINT}:${offset}`,
    });
    offset += Buffer.byteLength(line) + 1;
  }
  return { resource: { 'device.id': 'VM001', site: 'north' }, records };
}

// Small realistic batches for tests: vending-machine records of every level.
import { SEVERITY, type LevelName, type LogBatch, type LogRecord, msToUnixNano } from '../component/log-record.js';

const COMPONENTS = ['payment', 'motor', 'door', 'cooling', 'display'] as const;
const LEVELS: readonly LevelName[] = ['DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL'];

/** `count` records (levels and components cycling), one millisecond apart from `startMs`. */
export function makeRecords(count: number, startMs = Date.UTC(2026, 0, 22, 14, 30, 15, 123)): LogRecord[] {
  return Array.from({ length: count }, (_, i) => {
    const level = LEVELS[i % LEVELS.length]!;
    const time = msToUnixNano(startMs + i);
    return {
      timeUnixNano: time,
      observedTimeUnixNano: time,
      severityNumber: SEVERITY[level],
      severityText: level,
      body: `test record ${i}`,
      attributes: { component: COMPONENTS[i % COMPONENTS.length]!, seq: i },
      recordId: `test:${i}`,
    };
  });
}

/** A batch of `count` records from device `vm-test-001`. */
export function makeBatch(count = 5, resource: LogBatch['resource'] = { 'device.id': 'vm-test-001', site: 'test' }): LogBatch {
  return { resource: { ...resource }, records: makeRecords(count) };
}

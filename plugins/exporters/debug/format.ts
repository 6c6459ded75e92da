// Human-readable text of a batch, at three verbosities. Pure functions: the exporter only writes what they return.
import {
  bodyText, componentOf, levelLetter, type AttributeValue, type LogBatch, type LogRecord,
} from '../../../collector/component/index.js';
import { contextOf, isoOfUnixNano } from '../file/record-json.js';
import type { Verbosity } from './config.js';

function attributeText(value: AttributeValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function contextText(record: LogRecord): string {
  const pairs = Object.entries(contextOf(record.attributes)).map(([k, v]) => `${k}=${attributeText(v)}`);
  return pairs.length === 0 ? '' : ` {${pairs.join(', ')}}`;
}

function resourceText(batch: LogBatch): string {
  return Object.entries(batch.resource).map(([k, v]) => `${k}=${attributeText(v)}`).join(', ');
}

/** `2026-01-22T14:30:15.123Z E payment Authorization timeout {txn=abc123}` */
export function formatRecordLine(record: LogRecord): string {
  const time = isoOfUnixNano(record.timeUnixNano) ?? isoOfUnixNano(record.observedTimeUnixNano) ?? '-';
  const component = componentOf(record) || '-';
  return `${time} ${levelLetter(record.severityNumber)} ${component} ${bodyText(record)}${contextText(record)}`;
}

function formatRecordDetailed(record: LogRecord, index: number): string {
  const lines = [
    `LogRecord #${index}`,
    `  Timestamp: ${record.timeUnixNano} (${isoOfUnixNano(record.timeUnixNano) ?? 'unknown'})`,
    `  ObservedTimestamp: ${record.observedTimeUnixNano} (${isoOfUnixNano(record.observedTimeUnixNano) ?? 'unknown'})`,
    `  SeverityText: ${record.severityText}`,
    `  SeverityNumber: ${record.severityNumber}`,
    `  Body: ${JSON.stringify(record.body)}`,
  ];
  const attributes = Object.entries(record.attributes);
  if (attributes.length > 0) {
    lines.push('  Attributes:');
    for (const [key, value] of attributes) lines.push(`    -> ${key}: ${JSON.stringify(value)}`);
  }
  const optional: Array<[string, string | number | undefined]> = [
    ['RecordId', record.recordId], ['BootId', record.bootId], ['TraceId', record.traceId],
    ['SpanId', record.spanId], ['Flags', record.flags], ['EventName', record.eventName],
  ];
  for (const [name, value] of optional) if (value !== undefined) lines.push(`  ${name}: ${value}`);
  return lines.join('\n');
}

export function formatBatch(batch: LogBatch, verbosity: Verbosity): string {
  const header = `Logs: ${batch.records.length} record${batch.records.length === 1 ? '' : 's'}` +
    (Object.keys(batch.resource).length > 0 ? ` (${resourceText(batch)})` : '');
  if (verbosity === 'basic') return `${header}\n`;
  if (verbosity === 'normal') return `${[header, ...batch.records.map(formatRecordLine)].join('\n')}\n`;
  const resource = Object.entries(batch.resource).map(([k, v]) => `    -> ${k}: ${JSON.stringify(v)}`);
  return `${[header, 'Resource attributes:', ...resource, ...batch.records.map(formatRecordDetailed)].join('\n')}\n`;
}

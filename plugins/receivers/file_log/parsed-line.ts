// What a parser makes of one line, before the receiver adds the file attributes and the record id.
import type { AttributeValue, Attributes } from '../../../collector/component/index.js';

export interface ParsedLine {
  /** Unix nanoseconds as a decimal string; '0' when the line carries no time. */
  timeUnixNano: string;
  severityNumber: number;
  severityText: string;
  body: AttributeValue;
  /** `component` first, then the context keys. */
  attributes: Attributes;
}

export type TimeZone = 'local' | 'utc';

export function unparsed(line: string): ParsedLine {
  return { timeUnixNano: '0', severityNumber: 0, severityText: '', body: line, attributes: {} };
}

// Chooses the parser for a line: `json`, `python`, `none`, or `auto` (per line: `{` → JSON, else the Python
// format, else the raw line). A line a parser does not recognise is kept whole as the body.
import { parseJson } from './parse-json.js';
import { PythonLineState, parsePython } from './parse-python.js';
import { unparsed, type ParsedLine, type TimeZone } from './parsed-line.js';

export const PARSERS = ['auto', 'json', 'python', 'none'] as const;
export type ParserName = (typeof PARSERS)[number];

/** `python` records can take continuation lines (a traceback after the message). */
export type LineKind = 'python' | 'json' | 'raw';
export interface ParseResult {
  parsed: ParsedLine;
  recognised: boolean;
  kind: LineKind;
}
export type LineParser = (line: string) => ParseResult;

export function createLineParser(name: ParserName, zone: TimeZone): LineParser {
  const python = new PythonLineState(zone);
  const wrap = (parsed: ParsedLine | undefined, line: string, kind: LineKind): ParseResult =>
    parsed === undefined ? { parsed: unparsed(line), recognised: false, kind: 'raw' } : { parsed, recognised: true, kind };
  switch (name) {
    case 'none':
      return (line) => ({ parsed: unparsed(line), recognised: true, kind: 'raw' });
    case 'json':
      return (line) => wrap(parseJson(line), line, 'json');
    case 'python':
      return (line) => wrap(parsePython(line, python), line, 'python');
    case 'auto':
      return (line) => {
        const first = line.charCodeAt(0) === 0x7b ? 0x7b : line.trimStart().charCodeAt(0);
        if (first === 0x7b) {
          const json = parseJson(line);
          if (json) return { parsed: json, recognised: true, kind: 'json' };
        }
        return wrap(parsePython(line, python), line, 'python');
      };
  }
}

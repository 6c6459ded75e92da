// A config problem: a stable code, a path into the document, a message, and where it is in the file.
// Printed as `FILE:LINE:COL path.to.key: message` (formatIssue).
import type { CollectorErrorCode } from '../component/error-codes.js';

export type ConfigPath = readonly (string | number)[];

export interface SourcePosition {
  readonly line: number;
  readonly col: number;
}

export interface ConfigIssue {
  readonly code: CollectorErrorCode | `FLEETLOG_ERR_${string}`;
  readonly severity: 'error' | 'warning';
  readonly path: ConfigPath;
  readonly message: string;
  /** The file and position of the path's key (or value); absent when the value does not come from a file. */
  readonly file?: string;
  readonly position?: SourcePosition;
}

/** `a.b[0].c` — keys joined with dots, array indices in brackets; keys with dots or spaces quoted. */
export function formatPath(path: ConfigPath): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (/^[\w/-]+$/.test(part)) out += out === '' ? part : `.${part}`;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out;
}

/** `FILE:LINE:COL path.to.key: message` (warnings say so after the path). */
export function formatIssue(issue: ConfigIssue): string {
  const where = issue.file === undefined
    ? ''
    : issue.position === undefined ? `${issue.file}: ` : `${issue.file}:${issue.position.line}:${issue.position.col} `;
  const path = issue.path.length > 0 ? `${formatPath(issue.path)}: ` : '';
  const severity = issue.severity === 'warning' ? 'warning: ' : '';
  return `${where}${path}${severity}${issue.message} [${issue.code}]`;
}

/** Issues in file order (by line, then column), errors and warnings mixed. */
export function sortIssues(issues: readonly ConfigIssue[]): ConfigIssue[] {
  return [...issues].sort((a, b) =>
    (a.position?.line ?? 0) - (b.position?.line ?? 0) || (a.position?.col ?? 0) - (b.position?.col ?? 0));
}

export function hasErrors(issues: readonly ConfigIssue[]): boolean {
  return issues.some((issue) => issue.severity === 'error');
}

// Prints config issues the way every command does: `FILE:LINE:COL path: message [CODE]`, the file named as the
// user gave it; errors and warnings to stderr, then a one-line summary.
import { formatIssue, type ConfigIssue } from '../config/issue.js';

export function printIssues(issues: readonly ConfigIssue[], absoluteFile: string, givenFile: string, out: NodeJS.WritableStream): void {
  for (const issue of issues) {
    const shown = issue.file === absoluteFile ? { ...issue, file: givenFile } : issue;
    out.write(`${formatIssue(shown)}\n`);
  }
}

export function countIssues(issues: readonly ConfigIssue[]): { errors: number; warnings: number } {
  const errors = issues.filter((i) => i.severity === 'error').length;
  return { errors, warnings: issues.length - errors };
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

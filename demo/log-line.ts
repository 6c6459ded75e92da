// How a simulated vending machine writes its log: the PRD's JSON entry, one per line, or Python logging's
// `%(asctime)s - %(name)s - %(levelname)s - %(message)s` (asctime in UTC here; the collector is told so).
import type { PrdEntry } from '../eport/packer/event.js';

export type LogLineFormat = 'json' | 'python';

/** `2026-01-22T14:30:15.123Z` → `2026-01-22 14:30:15,123`. */
function pythonTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)},${iso.slice(20, 23)}`;
}

/** One line, without the newline. */
export function formatLogLine(entry: PrdEntry, format: LogLineFormat): string {
  if (format === 'json') return JSON.stringify(entry);
  return `${pythonTime(entry.timestamp)} - ${entry.component} - ${entry.level} - ${entry.message}`;
}

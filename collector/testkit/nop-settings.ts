// Host-provided Settings for a component under test: a logger and meter that keep what they are given (so a test
// can look), a fresh temporary storage folder, and the statuses the component reported.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ComponentStatus, Counter, Gauge, Kind, LogFields, Logger, Meter, MetricLabels, Settings } from '../component/contract.js';
import type { Attributes } from '../component/log-record.js';

export interface LogEntry {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly fields: LogFields;
}

/** A Logger that keeps its entries in memory (children share the parent's list). */
export function createMemoryLogger(entries: LogEntry[] = [], base: LogFields = {}): Logger & { readonly entries: LogEntry[] } {
  const log = (level: LogEntry['level']) => (message: string, fields?: LogFields): void => {
    entries.push({ level, message, fields: { ...base, ...fields } });
  };
  return {
    entries,
    debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error'),
    child: (fields) => createMemoryLogger(entries, { ...base, ...fields }),
  };
}

/** A Meter that keeps the latest value of every series: `values.get('name{label="v"}')`. */
export function createMemoryMeter(): Meter & { readonly values: Map<string, number> } {
  const values = new Map<string, number>();
  const key = (name: string, labels?: MetricLabels): string => {
    const parts = Object.entries(labels ?? {}).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}="${v}"`);
    return parts.length === 0 ? name : `${name}{${parts.join(',')}}`;
  };
  return {
    values,
    counter: (name): Counter => ({ add: (value, labels) => { values.set(key(name, labels), (values.get(key(name, labels)) ?? 0) + value); } }),
    gauge: (name): Gauge => ({ set: (value, labels) => { values.set(key(name, labels), value); } }),
  };
}

export interface TestSettings extends Settings {
  readonly logger: Logger & { readonly entries: LogEntry[] };
  readonly meter: Meter & { readonly values: Map<string, number> };
  /** Every status the component reported, in order. */
  readonly statuses: ComponentStatus[];
  /** Removes the temporary storage folder. */
  cleanup(): void;
}

/** Settings for one component under test. Call cleanup() when done (the storage folder is a fresh temp dir). */
export function createNopSettings(kind: Kind, id: string, options: { resource?: Attributes; storageDir?: string } = {}): TestSettings {
  const storageDir = options.storageDir ?? mkdtempSync(join(tmpdir(), `fleetlog-${id.replace(/[^\w-]/g, '_')}-`));
  const statuses: ComponentStatus[] = [];
  return {
    id,
    kind,
    logger: createMemoryLogger([], { kind, id }),
    meter: createMemoryMeter(),
    storageDir,
    resource: Object.freeze({ ...(options.resource ?? {}) }),
    statuses,
    reportStatus: (status) => { statuses.push(status); },
    cleanup: () => { if (options.storageDir === undefined) rmSync(storageDir, { recursive: true, force: true }); },
  };
}

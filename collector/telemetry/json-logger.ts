// The collector's own logs: one JSON object per line — `time`, `level`, `msg`, then the fields (component kind
// and id come from the child logger). Written to stderr and, if configured, appended to a file. Below-level entries
// cost one comparison.
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import type { LogFields, Logger } from '../component/contract.js';
import type { LogLevel } from '../config/config-types.js';

const RANK: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface JsonLoggerOptions {
  readonly level?: LogLevel;
  /** Where lines go (default process.stderr). */
  readonly stream?: NodeJS.WritableStream;
  /** Also append to this file (its folder is created). */
  readonly file?: string;
  /** Clock, for tests. */
  readonly now?: () => Date;
}

export interface RootLogger extends Logger {
  /** Flushes and closes the file, if any. */
  close(): Promise<void>;
}

function serialise(value: unknown): unknown {
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return { message: value.message, ...(typeof code === 'string' ? { code } : {}) };
  }
  if (typeof value === 'bigint') return value.toString();
  return value;
}

const guarded = new WeakSet<NodeJS.WritableStream>();

/** Logging must never take the process down: a closed stderr (EPIPE) loses log lines, nothing else. */
function guard(stream: NodeJS.WritableStream): void {
  if (guarded.has(stream)) return;
  guarded.add(stream);
  stream.on('error', () => {});
}

export function createJsonLogger(options: JsonLoggerOptions = {}): RootLogger {
  const minimum = RANK[options.level ?? 'info'];
  const stream = options.stream ?? process.stderr;
  guard(stream);
  const now = options.now ?? (() => new Date());
  let file: WriteStream | undefined;
  if (options.file !== undefined) {
    mkdirSync(dirname(options.file), { recursive: true });
    file = createWriteStream(options.file, { flags: 'a' });
    file.on('error', () => { file = undefined; });
  }
  const write = (level: LogLevel, message: string, base: LogFields, fields: LogFields | undefined): void => {
    if (RANK[level] < minimum) return;
    const entry: Record<string, unknown> = { time: now().toISOString(), level, msg: message };
    for (const [key, value] of Object.entries(base)) entry[key] = serialise(value);
    for (const [key, value] of Object.entries(fields ?? {})) entry[key] = serialise(value);
    let line: string;
    try {
      line = `${JSON.stringify(entry)}\n`;
    } catch {
      line = `${JSON.stringify({ time: entry.time, level, msg: message, note: 'fields not serialisable' })}\n`;
    }
    try {
      stream.write(line);
      file?.write(line);
    } catch { /* see guard() */ }
  };
  const make = (base: LogFields): Logger => ({
    debug: (m, f) => write('debug', m, base, f),
    info: (m, f) => write('info', m, base, f),
    warn: (m, f) => write('warn', m, base, f),
    error: (m, f) => write('error', m, base, f),
    child: (fields) => make({ ...base, ...fields }),
  });
  return {
    ...make({}),
    close: () => new Promise<void>((resolve) => {
      if (!file) { resolve(); return; }
      file.end(() => resolve());
      file = undefined;
    }),
  };
}

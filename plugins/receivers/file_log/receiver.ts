// The `file_log` receiver: tails files matched by globs, parses each line into a record, hands batches
// downstream and moves its checkpoint only after next.consume() resolved (end-to-end acknowledgement). A
// refused batch ("not now") is offered again after a back-off, never skipped. One loop does everything in
// order — list files, sync identities, read each file in chunks — woken by file-system events or the poll timer.
import { basename, dirname, join } from 'node:path';
import {
  errorMessage, isPermanentError, nowUnixNano,
  type LogBatch, type LogRecord, type LogsConsumer, type Receiver, type Settings,
} from '../../../collector/component/index.js';
import { loadCheckpoint, saveCheckpoint } from './checkpoint-state.js';
import type { FileLogOptions } from './config.js';
import { DirectoryWatcher } from './directory-watcher.js';
import { FileTracker } from './file-tracker.js';
import { compileGlob, listMatchingFiles, type CompiledGlob } from './glob.js';
import { LineList } from './line-splitter.js';
import { LineCounts, createMetrics, type FileLogMetrics } from './metrics.js';
import { RecordAssembler } from './record-assembler.js';
import { createLineParser, type LineParser } from './parse-line.js';
import type { TrackedFile } from './tracked-file.js';

/** Bytes asked for per read. */
export const READ_CHUNK_BYTES = 256 * 1024;
/** Most bytes read from one file per cycle, so that one busy file does not starve the others. */
export const MAX_BYTES_PER_FILE_PER_CYCLE = 32 * 1024 * 1024;
/** A batch is handed on once its lines reach this many bytes, whatever max_batch_records says. */
export const MAX_BATCH_BYTES = 4 * 1024 * 1024;
/** Polls a file must be missing from the listing (and read to its end) before it is closed. */
export const RETIRE_AFTER_POLLS = 3;
/** Shortest gap between two cycles when file-system events keep coming. */
export const MIN_CYCLE_GAP_MS = 100;
/**
 * After a busy cycle — one that handed on at least BUSY_CYCLE_RECORDS records (a file written at ≥ 2,500 lines/s;
 * it stays busy down to 1,000 lines/s) — the gap is BUSY_CYCLE_GAP_MS: such a file is handed on in fewer, larger
 * batches (fewer appends and fsyncs downstream), its lines waiting at most 150 ms longer.
 */
export const BUSY_CYCLE_GAP_MS = 250;
export const BUSY_CYCLE_RECORDS = 250;
/** How long shutdown waits for a batch downstream has not yet accepted before leaving it to the next run. */
export const SHUTDOWN_GRACE_MS = 2_000;
const BACKOFF_INITIAL_MS = 50;
const BACKOFF_MAX_MS = 5_000;

/** The least time from the start of one cycle to the start of the next, after a cycle that handed on `records`. */
export function cycleGapMs(records: number): number {
  return records >= BUSY_CYCLE_RECORDS ? BUSY_CYCLE_GAP_MS : MIN_CYCLE_GAP_MS;
}

export class FileLogReceiver implements Receiver {
  readonly #settings: Settings;
  readonly #options: FileLogOptions;
  readonly #next: LogsConsumer;
  readonly #metrics: FileLogMetrics;
  readonly #lineCounts = new LineCounts();
  readonly #parse: LineParser;
  readonly #tracker: FileTracker;
  readonly #includes: CompiledGlob[];
  readonly #excludes: CompiledGlob[];
  readonly #watcher: DirectoryWatcher;
  readonly #buffer = Buffer.alloc(READ_CHUNK_BYTES);
  /** The lines of one read, and the records of one drain: reused by every drain (drains run one at a time). */
  readonly #lines = new LineList();
  readonly #assembler: RecordAssembler;
  #loop: Promise<void> | undefined;
  #stopping = false;
  #shutdown: Promise<void> | undefined;
  #wakeRequested = false;
  #wake: (() => void) | undefined;
  #checkpointDirty = false;
  /** Records handed on (accepted downstream) in the current cycle. */
  #cycleRecords = 0;
  #lastCheckpointMs = 0;
  #lastFullCycleMs = 0;
  #fullCycleRequested = false;
  #degraded = false;
  #loggedErrors = new Set<string>();
  #graceTimer: NodeJS.Timeout | undefined;
  #graceOver = false;
  #abandon: () => void = () => undefined;

  constructor(settings: Settings, options: FileLogOptions, next: LogsConsumer, cwd = process.cwd()) {
    this.#settings = settings;
    this.#options = options;
    this.#next = next;
    this.#metrics = createMetrics(settings.meter);
    this.#parse = createLineParser(options.parser, options.timeZone);
    this.#assembler = new RecordAssembler(options.maxLineBytes);
    this.#tracker = new FileTracker(options, settings.logger);
    this.#includes = options.include.map((g) => compileGlob(g, cwd));
    // An exclude that starts with `**` matches at any depth of any folder, not only below the working directory.
    this.#excludes = options.exclude.map((g) => compileGlob(g.startsWith('**') ? `/${g}` : g, cwd));
    this.#watcher = new DirectoryWatcher((event, directory, name) => {
      if (event === 'rename' && name !== undefined) this.#pinIfIncluded(join(directory, name));
      this.#requestWake(event === 'rename');
    });
  }

  async start(): Promise<void> {
    if (this.#loop || this.#stopping) return;
    try {
      this.#tracker.restore(await loadCheckpoint(this.#settings.storageDir));
    } catch (error) {
      this.#tracker.restore([]); // positions lost: read files again from their start rather than skip them
      this.#settings.logger.error('The file_log checkpoint is unreadable; reading the files again from their start.', {
        code: 'FLEETLOG_ERR_CHECKPOINT_IO', error: errorMessage(error),
      });
    }
    this.#settings.reportStatus('ok');
    this.#loop = this.#run();
  }

  shutdown(): Promise<void> {
    this.#shutdown ??= this.#stop();
    return this.#shutdown;
  }

  async #stop(): Promise<void> {
    this.#stopping = true;
    this.#watcher.close();
    this.#wake?.();
    this.#graceTimer = setTimeout(() => {
      this.#graceOver = true;
      this.#abandon();
    }, SHUTDOWN_GRACE_MS);
    await this.#loop;
    clearTimeout(this.#graceTimer);
    await this.#writeCheckpoint(true);
    await this.#tracker.closeAll();
  }

  async #run(): Promise<void> {
    let firstPoll = true;
    while (!this.#stopping) {
      const started = Date.now();
      this.#cycleRecords = 0;
      try {
        await this.#cycle(firstPoll);
        firstPoll = false;
        if (this.#degraded) {
          this.#degraded = false;
          this.#settings.reportStatus('ok');
        }
      } catch (error) {
        this.#reportError('A file_log cycle failed; retrying at the next poll.', error);
      }
      if (!this.#wakeRequested) await this.#sleep(this.#options.pollIntervalMs, 'any');
      const gapMs = cycleGapMs(this.#cycleRecords);
      const sinceStart = Date.now() - started;
      if (sinceStart < gapMs) await this.#sleep(gapMs - sinceStart, 'names');
    }
  }

  /**
   * A full cycle (at start, at least every poll_interval, and after a name appeared or went in a watched folder)
   * lists the globs and checks every file's identity; a cycle woken by a content change only reads what is new
   * in the open files.
   */
  async #cycle(firstPoll: boolean): Promise<void> {
    this.#wakeRequested = false;
    const full = firstPoll || this.#fullCycleRequested || Date.now() - this.#lastFullCycleMs >= this.#options.pollIntervalMs;
    if (full) {
      this.#lastFullCycleMs = Date.now();
      this.#fullCycleRequested = false;
      const paths = await listMatchingFiles(this.#includes, this.#excludes);
      const counts = await this.#tracker.sync(paths, firstPoll);
      if (counts.truncated > 0) this.#metrics.rotations.add(counts.truncated);
      // New files' starting positions (with start_at: end, their ends) are worth saving before any line is read.
      if (firstPoll || counts.opened > 0 || counts.truncated > 0) this.#checkpointDirty = true;
    }
    for (const file of this.#tracker.files()) {
      if (this.#stopping) break;
      if (!(await this.#drain(file))) break;
      if (full && file.missedPolls >= RETIRE_AFTER_POLLS && file.lastReadBytes === 0) await this.#retire(file);
    }
    if (full) {
      const directories = new Set<string>(this.#includes.map((g) => g.base));
      for (const file of this.#tracker.files()) directories.add(dirname(file.path));
      this.#watcher.sync(directories);
    }
    this.#metrics.openFiles.set(this.#tracker.openCount);
    this.#lineCounts.flush(this.#metrics);
    await this.#writeCheckpoint(false);
  }

  /** Reads what is new in `file` and delivers it. False when stopping interrupted a delivery. */
  async #drain(file: TrackedFile): Promise<boolean> {
    const { maxBatchRecords } = this.#options;
    const lines = this.#lines;
    const assembler = this.#assembler;
    assembler.clear();
    let lastEnd = file.committed;
    let readBytes = 0;
    const path = file.path;
    const name = basename(path);
    const idPrefix = `${file.id}:`;
    while (readBytes < MAX_BYTES_PER_FILE_PER_CYCLE && !this.#stopping) {
      const { bytesRead } = await file.handle.read(this.#buffer, 0, READ_CHUNK_BYTES, file.readOffset);
      if (bytesRead === 0) break;
      file.readOffset += bytesRead;
      readBytes += bytesRead;
      lines.clear();
      file.splitter.push(this.#buffer.subarray(0, bytesRead), lines);
      const observed = nowUnixNano();
      for (let i = 0; i < lines.count; i += 1) {
        lastEnd = lines.ends[i]!;
        if (lines.texts[i]!.length === 0) continue;
        this.#addLine(assembler, idPrefix, lines, i, path, name, observed);
        if (assembler.length > maxBatchRecords || assembler.bytes >= MAX_BATCH_BYTES) {
          const ready = assembler.take(true, maxBatchRecords);
          if (ready && !(await this.#deliver(file, ready.records, ready.end))) return false;
        }
      }
    }
    lines.clear();
    file.lastReadBytes = readBytes;
    const rest = assembler.take(false);
    if (rest && !(await this.#deliver(file, rest.records, rest.end))) return false;
    if (lastEnd > file.committed) this.#commit(file, lastEnd); // trailing blank lines
    return true;
  }

  /** A line becomes a record, or — a continuation of the Python record before it — part of its message. */
  #addLine(assembler: RecordAssembler, idPrefix: string, lines: LineList, i: number, path: string, name: string, observed: string): void {
    const text = lines.texts[i]!;
    const start = lines.starts[i]!;
    const end = lines.ends[i]!;
    const { parsed, recognised, kind } = this.#parse(text);
    if (!recognised && this.#options.joinContinuationLines && assembler.continueLast(text, end)) {
      this.#lineCounts.joined += 1;
      return;
    }
    if (!recognised) this.#lineCounts.unparsed += 1;
    const attributes = parsed.attributes;
    attributes['log.file.path'] = path;
    attributes['log.file.name'] = name;
    if (lines.truncated[i]) {
      attributes['log.record.truncated'] = true;
      this.#lineCounts.truncated += 1;
    }
    const record: LogRecord = {
      timeUnixNano: parsed.timeUnixNano,
      observedTimeUnixNano: observed,
      severityNumber: parsed.severityNumber,
      severityText: parsed.severityText,
      body: parsed.body,
      attributes,
      recordId: idPrefix + String(start),
    };
    assembler.push(record, end, kind === 'python' && recognised, end - start);
  }

  /** A file no glob lists any more, read to its end: its last partial line goes out, then it is closed. */
  async #retire(file: TrackedFile): Promise<void> {
    const lines = new LineList();
    file.splitter.flush(lines);
    const assembler = new RecordAssembler(this.#options.maxLineBytes);
    const observed = nowUnixNano();
    for (let i = 0; i < lines.count; i += 1) {
      if (lines.texts[i]!.length > 0) this.#addLine(assembler, `${file.id}:`, lines, i, file.path, basename(file.path), observed);
    }
    const ready = assembler.take(false);
    if (ready && !(await this.#deliver(file, ready.records, ready.end))) return;
    const end = lines.count > 0 ? lines.ends[lines.count - 1]! : file.committed;
    if (end > file.committed) this.#commit(file, end);
    await this.#tracker.close(file);
    this.#checkpointDirty = true;
  }

  /**
   * Hands `records` on until they are accepted (or refused for good), then moves the file's checkpoint to `end`.
   * False when shutdown came first: nothing is committed, the lines are read again after a restart.
   */
  async #deliver(file: TrackedFile, records: LogRecord[], end: number): Promise<boolean> {
    const batch = { resource: {}, records }; // the host stamps service.resource
    this.#lineCounts.flush(this.#metrics); // the lines of these records are counted by the time they are delivered
    let backoffMs = BACKOFF_INITIAL_MS;
    for (;;) {
      try {
        if (!(await this.#consumeUnlessAbandoned(batch))) return false;
        break;
      } catch (error) {
        if (isPermanentError(error)) {
          this.#reportError('Downstream refused a batch for good; it is counted and skipped.', error);
          break;
        }
        if (this.#stopping) return false;
        this.#reportError('Downstream is not accepting records; holding them and trying again.', error);
        await this.#sleep(backoffMs, 'none');
        backoffMs = Math.min(backoffMs * 2, BACKOFF_MAX_MS);
        if (this.#stopping) return false;
      }
    }
    this.#cycleRecords += records.length;
    this.#commit(file, end);
    await this.#writeCheckpoint(false);
    return true;
  }

  /**
   * next.consume(batch), unless shutdown's grace runs out first (downstream blocked: a full queue with nowhere
   * to send): then false, and the batch's lines stay after the checkpoint, to be read again after a restart.
   */
  async #consumeUnlessAbandoned(batch: LogBatch): Promise<boolean> {
    if (this.#graceOver) return false;
    const abandoned = new Promise<false>((resolve) => { this.#abandon = () => resolve(false); });
    try {
      return await Promise.race([this.#next.consume(batch).then(() => true as const), abandoned]);
    } finally {
      this.#abandon = () => undefined;
    }
  }

  #commit(file: TrackedFile, end: number): void {
    file.committed = end;
    this.#checkpointDirty = true;
  }

  async #writeCheckpoint(force: boolean): Promise<void> {
    if (!this.#checkpointDirty) return;
    if (!force && Date.now() - this.#lastCheckpointMs < this.#options.checkpointIntervalMs) return;
    this.#checkpointDirty = false;
    this.#lastCheckpointMs = Date.now();
    try {
      await saveCheckpoint(this.#settings.storageDir, this.#tracker.checkpoint());
    } catch (error) {
      this.#checkpointDirty = true;
      this.#reportError('Writing the file_log checkpoint failed.', error, 'FLEETLOG_ERR_CHECKPOINT_IO');
    }
  }

  /** Logs each distinct problem once (never once per record) and marks the component degraded. */
  #reportError(message: string, error: unknown, code = 'FLEETLOG_ERR_INTERNAL'): void {
    const text = errorMessage(error);
    if (!this.#degraded) {
      this.#degraded = true;
      this.#settings.reportStatus('recoverable_error', error instanceof Error ? error : new Error(text));
    }
    const key = `${message}|${text}`;
    if (this.#loggedErrors.has(key)) return;
    if (this.#loggedErrors.size > 100) this.#loggedErrors.clear();
    this.#loggedErrors.add(key);
    this.#settings.logger.warn(message, { code, error: text });
  }

  /** A name that appeared in a watched folder: if the globs include it, open it now (FileTracker.pin). */
  #pinIfIncluded(path: string): void {
    if (this.#stopping) return;
    if (!this.#includes.some((g) => g.regex.test(path)) || this.#excludes.some((g) => g.regex.test(path))) return;
    this.#tracker.pin(path).catch((error: unknown) => this.#reportError('Opening a new log file failed.', error));
  }

  /** A file-system event: `names` when a name appeared or went (a new or rotated file: list the globs again). */
  #requestWake(names: boolean): void {
    if (names) this.#fullCycleRequested = true;
    this.#wakeRequested = true;
    this.#wake?.();
  }

  /**
   * Waits `ms`, or less when stopping or woken by a file-system event: `any` event, only `names` events (a file
   * appeared or went: a rotation must be seen before the rotated file leaves the glob), or `none`.
   */
  #sleep(ms: number, wakeBy: 'any' | 'names' | 'none'): Promise<void> {
    if (this.#stopping) return Promise.resolve();
    if (wakeBy === 'names' && this.#fullCycleRequested) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wake = () => {
        if (this.#stopping || wakeBy === 'any' || (wakeBy === 'names' && this.#fullCycleRequested)) done();
      };
    });
  }
}

// Writes a simulated machine's activity into a log file in real time: the simulator's entries are appended when
// their timestamp comes (checked every tick), so the file grows as a real machine's would.
import { appendFile } from 'node:fs/promises';
import type { PrdEntry } from '../eport/packer/event.js';
import { VendingSimulator } from './vending-simulator.js';
import { formatLogLine, type LogLineFormat } from './log-line.js';

export interface LogWriterOptions {
  readonly file: string;
  readonly machineId: string;
  readonly format: LogLineFormat;
  /** Average lines per second (the gaps are random, exponential). */
  readonly linesPerSecond: number;
  readonly seed?: number;
  readonly tickMs?: number;
  /** Called after each append with the entries written (the bench uses it to time them). */
  readonly onWritten?: (entries: readonly PrdEntry[], writtenAtMs: number) => void;
}

export class SimulatedLogWriter {
  readonly #options: LogWriterOptions;
  readonly #simulator: VendingSimulator;
  #next: PrdEntry;
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> = Promise.resolve();
  #lines = 0;
  #failures = 0;

  constructor(options: LogWriterOptions) {
    this.#options = options;
    this.#simulator = new VendingSimulator({
      machineId: options.machineId, seed: options.seed ?? 1, startMs: Date.now(), logsPerHour: options.linesPerSecond * 3600,
    });
    this.#next = this.#simulator.next();
  }

  get linesWritten(): number {
    return this.#lines;
  }

  get failedWrites(): number {
    return this.#failures;
  }

  /** Appends `entries` now (e.g. a few lines of history at start-up), with their own timestamps. */
  async writeNow(entries: readonly PrdEntry[]): Promise<void> {
    await this.#append(entries);
  }

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => this.#tick(), this.#options.tickMs ?? 50);
  }

  /** Stops writing; resolves when the last append has finished. */
  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#writing;
  }

  #tick(): void {
    const now = Date.now();
    const due: PrdEntry[] = [];
    while (Date.parse(this.#next.timestamp) <= now) {
      due.push(this.#next);
      this.#next = this.#simulator.next();
    }
    if (due.length > 0) this.#writing = this.#writing.then(() => this.#append(due));
  }

  async #append(entries: readonly PrdEntry[]): Promise<void> {
    let text = '';
    for (const entry of entries) text += `${formatLogLine(entry, this.#options.format)}\n`;
    try {
      await appendFile(this.#options.file, text);
      this.#lines += entries.length;
      this.#options.onWritten?.(entries, Date.now());
    } catch {
      this.#failures += 1;
    }
  }
}

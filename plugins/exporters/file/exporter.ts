// The `file` exporter: appends each batch as JSON lines, rotates by size like Python's RotatingFileHandler
// (`path` → `path.1` → … → `path.N`, the oldest deleted), and fsyncs before it answers ok — it is a durable
// destination, so "ok" means "on the disk". Errors become outcomes: a path that can never be written (a folder,
// a name too long) drops the batch to the dead letters; anything that may pass (ENOSPC, EACCES, EIO) is retried.
import { mkdir, open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import {
  JsonBytes, errorMessage, sendDrop, sendOk, sendRetry,
  type Exporter, type LogBatch, type SendResult, type Settings,
} from '../../../collector/component/index.js';
import type { FileExporterOptions } from './config.js';
import { batchJson, writeRecordJson } from './record-json.js';

/** Error codes that no retry can fix: the batch goes to the dead letters. */
const PERMANENT_CODES = new Set(['EISDIR', 'ENOTDIR', 'ENAMETOOLONG', 'ELOOP', 'EINVAL', 'EFBIG']);
/** The encoding buffer is kept between batches up to this size (a 1,000-record batch is ≈ 0.5 MiB). */
const KEEP_BUFFER_BYTES = 4 * 1024 * 1024;

export class FileExporter implements Exporter {
  readonly #settings: Settings;
  readonly #options: FileExporterOptions;
  readonly #path: string;
  #handle: FileHandle | undefined;
  #size = 0;
  #stopped = false;
  #failing = false;
  /** Each batch's lines are encoded into this buffer, reused from batch to batch. */
  readonly #out = new JsonBytes();
  readonly #lineEnds: number[] = [];
  #encoding = false;

  constructor(settings: Settings, options: FileExporterOptions) {
    this.#settings = settings;
    this.#options = options;
    this.#path = resolve(options.path);
  }

  async start(): Promise<void> {
    this.#stopped = false;
  }

  async shutdown(): Promise<void> {
    this.#stopped = true;
    await this.#close();
  }

  async send(batch: LogBatch, signal: AbortSignal): Promise<SendResult> {
    if (this.#stopped) return sendRetry('the file exporter is stopped');
    if (signal.aborted) return sendRetry('aborted');
    try {
      await this.#write(batch);
      if (this.#failing) {
        this.#failing = false;
        this.#settings.reportStatus('ok');
      }
      return sendOk({ acceptedRecords: batch.records.length });
    } catch (error) {
      await this.#close();
      const code = (error as NodeJS.ErrnoException).code ?? '';
      const reason = `${this.#path}: ${errorMessage(error)}`;
      if (!this.#failing) {
        this.#failing = true;
        this.#settings.logger.error('Writing the log file failed.', { path: this.#path, code, error: errorMessage(error) });
        this.#settings.reportStatus('recoverable_error', error instanceof Error ? error : new Error(reason));
      }
      return PERMANENT_CODES.has(code) ? sendDrop(reason) : sendRetry(reason);
    }
  }

  async #write(batch: LogBatch): Promise<void> {
    // One send at a time is the host's contract; should two overlap anyway, the second gets its own buffer.
    const out = this.#encoding ? new JsonBytes() : this.#out;
    this.#encoding = true;
    try {
      const lineEnds = this.#encodeBatch(out, batch);
      const handle = await this.#open();
      const { maxBytes } = this.#options;
      if (maxBytes === 0 || this.#size + out.length <= maxBytes) {
        await this.#append(out.view());
      } else {
        // Rotation before a line that would make the file exceed max_bytes (never before the first line of a file).
        let start = 0;
        for (let i = 0; i < lineEnds.length; i += 1) {
          const end = lineEnds[i]!;
          const prev = i === 0 ? 0 : lineEnds[i - 1]!;
          if (this.#size + end - start > maxBytes && this.#size + prev - start > 0) {
            await this.#append(out.view().subarray(start, prev));
            start = prev;
            await this.#rotate();
          }
        }
        await this.#append(out.view().subarray(start));
      }
      await (this.#handle ?? handle).datasync();
    } finally {
      if (out === this.#out) {
        out.reset(KEEP_BUFFER_BYTES);
        this.#encoding = false;
      }
    }
  }

  /** The batch's lines into `out`; returns where each line ends (reused array). */
  #encodeBatch(out: JsonBytes, batch: LogBatch): number[] {
    const lineEnds = out === this.#out ? this.#lineEnds : [];
    lineEnds.length = 0;
    const json = batchJson(batch.resource);
    for (const record of batch.records) {
      writeRecordJson(out, record, json);
      lineEnds.push(out.length);
    }
    return lineEnds;
  }

  /** Appends whole lines; on failure (ENOSPC mid-write) cuts the file back so that no partial line stays in it. */
  async #append(bytes: Buffer): Promise<void> {
    if (bytes.length === 0) return;
    const handle = await this.#open();
    const before = this.#size;
    try {
      // A write may be short (a nearly full disk): keep writing the rest; the next write then reports ENOSPC.
      for (let offset = 0; offset < bytes.length;) {
        const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset);
        if (bytesWritten <= 0) throw Object.assign(new Error('write made no progress'), { code: 'EIO' });
        offset += bytesWritten;
      }
    } catch (error) {
      await handle.truncate(before).catch(() => undefined);
      throw error;
    }
    this.#size += bytes.length;
  }

  async #open(): Promise<FileHandle> {
    if (this.#handle) return this.#handle;
    await mkdir(dirname(this.#path), { recursive: true });
    const handle = await open(this.#path, 'a');
    try {
      this.#size = (await handle.stat()).size;
    } catch (error) {
      await handle.close();
      throw error;
    }
    this.#handle = handle;
    return handle;
  }

  async #rotate(): Promise<void> {
    const handle = this.#handle;
    if (handle) await handle.datasync();
    await this.#close();
    const { backupCount } = this.#options;
    if (backupCount === 0) {
      const truncated = await open(this.#path, 'w');
      await truncated.close();
    } else {
      await rm(`${this.#path}.${backupCount}`, { force: true });
      for (let i = backupCount - 1; i >= 1; i -= 1) {
        await renameIfExists(`${this.#path}.${i}`, `${this.#path}.${i + 1}`);
      }
      await renameIfExists(this.#path, `${this.#path}.1`);
    }
    await this.#open();
  }

  async #close(): Promise<void> {
    const handle = this.#handle;
    this.#handle = undefined;
    this.#size = 0;
    if (handle) {
      try {
        await handle.close();
      } catch { /* already closed or the disk went away: nothing left to release */ }
    }
  }
}

async function renameIfExists(from: string, to: string): Promise<void> {
  try {
    await stat(from);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  await rename(from, to);
}

// The durable queue of one exporter: append-only segment files of checksummed frames (segment-format.ts), group
// commit, recovery at open (queue-recovery.ts), byte cap and free-space headroom with a full policy, and an
// acknowledgement pointer (ack-pointer.ts). A segment is deleted only when every record in it is acknowledged.
//
// Folder layout:  seg-<first seq>.log …  ack.pos  ack.json  queue.lock  status.json  dead-letters/  quarantine/
//                 replay-inbox/
import { mkdir, open, rm, truncate, type FileHandle } from 'node:fs/promises';
import type { Logger } from '../component/contract.js';
import { FleetlogError, PermanentError, errorMessage } from '../component/errors.js';
import type { Attributes, LogBatch, LogRecord } from '../component/log-record.js';
import { AckPointer, readAckPointer } from './ack-pointer.js';
import { FreeSpace } from './free-space.js';
import { Mutex } from './mutex.js';
import { Notifier } from './notifier.js';
import { NO_QUEUE_EVENTS, evictionClass, resourceKeyOf, type DeliveryQueue, type QueueEvents, type QueueStats, type QueuedRecord } from './queue.js';
import { acquireQueueLock } from './queue-lock.js';
import { encodeRecords, frameBytes, resourceFrameBytes, thinOut, type EncodedRecord } from './queue-records.js';
import { recoverSegments, type RecoveryReport } from './queue-recovery.js';
import { decodeRecordJson } from './record-codec.js';
import { BATCH_FRAME_OVERHEAD_BYTES, FRAME_PREFIX_BYTES, KIND_RESOURCE, batchFramesSize, frameLastSeq, frameRecords, frameSize, scanFrames, writeBatchFrames, writeFrame, type FrameRecord } from './segment-format.js';
import { fsyncDirectory, readSegment, rewriteSegment } from './segment-files.js';
import { metaFromFrames, newSegmentMeta, noteRecord, segmentName, type SegmentMeta } from './segment-meta.js';
import { WriteBuffer } from './write-buffer.js';

const DEFAULT_ACK_PERSIST_DELAY_MS = 100;
const READ_CHUNK_BYTES = 1024 * 1024;
const MIN_SEGMENT_BYTES = 4096;
const MAX_RESOURCES_PER_SEGMENT = 0xffff;
/**
 * At most this many appended records are kept in memory for read() to hand out without reading their frames (with
 * their batches' encoded JSON: a few MiB when a stalled exporter lets the bound fill). A reader that keeps up holds
 * far fewer; one that does not reads from disk past the bound.
 */
const MAX_UNREAD_RECORDS_IN_MEMORY = 8_192;
/** A write's frames are encoded into one buffer kept by the queue up to this size (write-buffer.ts). */
const MAX_KEPT_WRITE_BUFFER_BYTES = 1024 * 1024;

export interface DiskQueueOptions {
  directory: string;
  maxBytes: number;
  minFreeBytes: number;
  segmentBytes: number;
  fsync: 'always' | 'batch' | 'interval';
  fsyncIntervalMs: number;
  fullPolicy: 'block' | 'drop_lowest_severity';
  /** How long append() waits for space under `block` before rejecting with FLEETLOG_ERR_QUEUE_FULL. */
  fullWaitMs: number;
  /** Where records that can never fit (one record > max_bytes) go; without it they are refused (PermanentError). */
  oversize?: (batch: LogBatch, reason: string) => Promise<void>;
  events?: QueueEvents;
  logger?: Logger;
  /** Delay before an acknowledgement is written to ack.pos (a killed process re-sends at most this much). */
  ackPersistDelayMs?: number;
}


interface PendingAppend {
  batch: LogBatch;
  resolve: () => void;
  reject: (error: unknown) => void;
}

interface ActiveSegment {
  meta: SegmentMeta;
  handle: FileHandle;
  resources: Map<string, number>;
  dirty: boolean;
}

interface SegmentResource {
  key: string;
  attributes: Attributes;
}

interface ReadCursor {
  name: string;
  /** Where the next frame to read starts (a frame read in part is read again, its records up to the read seq skipped). */
  offset: number;
  generation: number;
  resources: Map<number, SegmentResource>;
  /** The segment file, open for reading while the cursor is in it. */
  handle?: FileHandle;
}

/** One write's records, held for read() (see #unread). */
interface UnreadWrite {
  firstSeq: number;
  /** Consecutive seqs from firstSeq. */
  records: readonly EncodedRecord[];
  enqueuedAtMs: number;
  segment: SegmentMeta;
  generation: number;
  /** The write's bytes in the segment file (a resource frame written with it included). */
  startOffset: number;
  endOffset: number;
  resourceIndex: number;
  resource: SegmentResource;
}

/** Records read and not yet acknowledged: consecutive seqs appended at one time. */
interface InFlightRange {
  firstSeq: number;
  lastSeq: number;
  atMs: number;
}

/** For records whose resource frame was lost to damage (a fresh object each time: batches are handed to exporters). */
const resourceLost = (): SegmentResource => ({ key: '{"fleetlog.resource_lost":true}', attributes: { 'fleetlog.resource_lost': true } });

function queueError(message: string, cause: unknown): FleetlogError {
  return new FleetlogError('FLEETLOG_ERR_QUEUE_IO', `${message}: ${errorMessage(cause)}`, { cause });
}

export class DiskQueue implements DeliveryQueue {
  readonly directory: string;
  #o: DiskQueueOptions;
  #events: QueueEvents;
  #segmentBytes: number;
  #segments: SegmentMeta[] = [];
  #active: ActiveSegment | undefined;
  #mutex = new Mutex();
  #ackMutex = new Mutex();
  #ackPointer: AckPointer;
  #freeSpace: FreeSpace;
  #appended = new Notifier();
  #freed = new Notifier();
  #pending: PendingAppend[] = [];
  /** Where #writeRecords() encodes a write's frames; only it uses this, under #mutex, one write at a time. */
  #writeBuffer = new WriteBuffer(MAX_KEPT_WRITE_BUFFER_BYTES);
  #writeLoop: Promise<void> | undefined;
  #fsyncTimer: NodeJS.Timeout | undefined;
  #ackTimer: NodeJS.Timeout | undefined;
  #ackedSeq = 0;
  #persistedAckSeq = 0;
  #nextSeq = 1;
  #lastReadSeq = 0;
  #unacked = 0;
  /**
   * The records of recent writes, in seq order, until read. When the read cursor stands exactly where such a write
   * starts in its segment (same file, not rewritten since), read() hands its records out from here and moves the
   * cursor past its bytes without reading them back; otherwise it reads the frames from disk (checking every
   * length and CRC) and still takes the record objects from here instead of parsing their JSON (same seq = the
   * record that frame was encoded from). A queue that is not being read stops filling it at the bound; what is not
   * here is read and decoded from disk.
   */
  #unread: UnreadWrite[] = [];
  #unreadCount = 0;
  /** Read but not yet acknowledged, in order (bounded by the sender's read-ahead). */
  #inFlight: InFlightRange[] = [];
  #inFlightCount = 0;
  #cursor: ReadCursor | undefined;
  #dropped = 0;
  #corrupt = 0;
  #fsyncs = 0;
  #opened = false;
  /** open() completed: the folder is ours. */
  #ready = false;
  #closed = false;
  #releaseLock: (() => Promise<void>) | undefined;
  /** What open() found. */
  recovery: RecoveryReport = { segments: 0, records: 0, corruptRegions: 0, tornTailBytes: 0, quarantined: [] };

  constructor(options: DiskQueueOptions) {
    this.#o = options;
    this.directory = options.directory;
    this.#events = options.events ?? NO_QUEUE_EVENTS;
    this.#segmentBytes = Math.min(options.segmentBytes, Math.max(MIN_SEGMENT_BYTES, Math.floor(options.maxBytes / 4)));
    this.#freeSpace = new FreeSpace(options.directory);
    this.#ackPointer = new AckPointer(options.directory);
  }

  // ── open / recovery ────────────────────────────────────────────────────────────────────────────────────────────

  async open(): Promise<void> {
    if (this.#opened) return;
    this.#opened = true;
    try {
      await mkdir(this.directory, { recursive: true });
      this.#releaseLock = await acquireQueueLock(this.directory);
      await this.#recover();
      this.#ready = true;
    } catch (error) {
      if (error instanceof FleetlogError) throw error;
      throw queueError(`Cannot open the queue in ${this.directory}`, error);
    }
  }

  async #recover(): Promise<void> {
    // An unreadable pointer counts as 0: records are re-sent (duplicates), none lost.
    this.#ackedSeq = await readAckPointer(this.directory);
    this.#persistedAckSeq = this.#ackedSeq;
    const found = await recoverSegments(this.directory, this.#ackedSeq, (regions) => this.#countCorrupt(regions), this.#o.logger);
    this.#segments = found.segments;
    this.#unacked = found.unacked;
    this.recovery = found.report;
    this.#nextSeq = Math.max(this.#ackedSeq, found.maxSeq) + 1;
    this.#lastReadSeq = this.#ackedSeq;
  }

  // ── append ─────────────────────────────────────────────────────────────────────────────────────────────────────

  append(batch: LogBatch): Promise<void> {
    if (this.#closed || !this.#opened) return Promise.reject(new FleetlogError('FLEETLOG_ERR_QUEUE_IO', `The queue in ${this.directory} is not open.`));
    if (batch.records.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.#pending.push({ batch, resolve, reject });
      this.#startWriteLoop();
    });
  }

  #startWriteLoop(): void {
    this.#writeLoop ??= this.#runWriteLoop().finally(() => {
      this.#writeLoop = undefined;
      // An append made between the loop's last commit and this point (e.g. by a caller resuming as soon as its
      // append resolved) found the loop still set and did not start one: start it now, or it would wait forever.
      if (this.#pending.length > 0) this.#startWriteLoop();
    });
  }

  /** Group commit: appends that arrive while one group is being written form the next group, one fsync each. */
  async #runWriteLoop(): Promise<void> {
    while (this.#pending.length > 0) {
      const group = this.#pending.splice(0, this.#pending.length);
      const written: PendingAppend[] = [];
      for (const item of group) {
        try {
          await this.#appendItem(item, written);
          if (this.#o.fsync === 'always') {
            await this.#commit([item]);
          } else {
            written.push(item);
          }
        } catch (error) {
          item.reject(error);
        }
      }
      await this.#commit(written);
    }
  }

  /**
   * Writes one batch. A batch larger than a quarter of max_bytes goes in chunks, each waiting for room, so a queue
   * smaller than a receiver's batch still takes it. The bounded wait (then FLEETLOG_ERR_QUEUE_FULL) applies only
   * before the first chunk is written; after that the rest waits as long as it takes, so that a retried batch is
   * not queued twice. A single record larger than max_bytes can never be queued: it goes to the dead letters.
   */
  async #appendItem(item: PendingAppend, written: PendingAppend[]): Promise<void> {
    const { resource } = item.batch;
    const resourceKey = resourceKeyOf(resource);
    let encoded = encodeRecords(item.batch.records);
    // A record alone in its batch frame, with a resource frame before it.
    const aloneBytes = resourceFrameBytes(resourceKey) + BATCH_FRAME_OVERHEAD_BYTES;
    let oversize: EncodedRecord[] | undefined;
    for (const r of encoded) if (aloneBytes + r.bytes > this.#o.maxBytes) (oversize ??= []).push(r);
    if (oversize !== undefined) {
      if (!this.#o.oversize) throw new PermanentError(`A record of ${frameBytes(resourceKey, oversize.slice(0, 1))} bytes can never fit the queue's max_bytes of ${this.#o.maxBytes}.`);
      await this.#o.oversize({ resource, records: oversize.map((r) => r.record) }, `record larger than queue.max_bytes (${this.#o.maxBytes} bytes)`);
      const refused = new Set(oversize);
      encoded = encoded.filter((r) => !refused.has(r));
    }
    const chunkBytes = Math.max(1, Math.floor(this.#o.maxBytes / 4));
    let deadline: number | undefined = performance.now() + this.#o.fullWaitMs;
    for (let start = 0; start < encoded.length;) {
      let end = start + 1;
      let bytes = aloneBytes + encoded[start]!.bytes;
      while (end < encoded.length && bytes + encoded[end]!.bytes <= chunkBytes) bytes += encoded[end++]!.bytes;
      const chunk = start === 0 && end === encoded.length ? encoded : encoded.slice(start, end);
      const records = await this.#makeRoom(resourceKey, chunk, written, deadline);
      if (records.length > 0) {
        await this.#mutex.run(() => this.#writeRecords(resourceKey, resource, records));
        deadline = undefined;
      }
      start = end;
    }
  }

  /** Makes the writes so far durable per the fsync policy and resolves their appends. */
  async #commit(items: PendingAppend[]): Promise<void> {
    if (items.length === 0) return;
    try {
      if (this.#o.fsync === 'interval') {
        this.#armFsyncTimer();
      } else {
        await this.#mutex.run(() => this.#syncActive());
      }
      for (const item of items) item.resolve();
    } catch (error) {
      const failure = queueError('The queue could not be synced to disk', error);
      for (const item of items) item.reject(failure);
    }
    items.length = 0;
  }

  /** The records of the batch that fit (the drop policy may thin them out), waiting for room under `block`. */
  async #makeRoom(resourceKey: string, encoded: readonly EncodedRecord[], written: PendingAppend[], deadline: number | undefined): Promise<readonly EncodedRecord[]> {
    let records = encoded;
    let needed = frameBytes(resourceKey, records);
    for (;;) {
      if (this.#closed) throw new FleetlogError('FLEETLOG_ERR_QUEUE_IO', 'The queue closed while the batch waited for room.');
      const over = await this.#mutex.run(async () => {
        let excess = await this.#overBy(needed);
        if (excess > 0) {
          await this.#reclaim(true);
          excess = await this.#overBy(needed);
        }
        if (excess > 0 && this.#o.fullPolicy === 'drop_lowest_severity') {
          await this.#evict(excess);
          excess = await this.#overBy(needed);
        }
        return excess;
      });
      if (over <= 0) return records;
      if (this.#o.fullPolicy === 'drop_lowest_severity') {
        const before = records.length;
        records = thinOut(resourceKey, records, needed - over);
        if (records.length < before) {
          this.#countDropped(before - records.length);
          if (records.length === 0) return records;
          needed = frameBytes(resourceKey, records);
          continue;
        }
      }
      // Block: what is written so far is confirmed first, then this append waits for acknowledgements to free room.
      await this.#commit(written);
      const remaining = deadline === undefined ? undefined : deadline - performance.now();
      if (remaining !== undefined && remaining <= 0) {
        const s = this.stats();
        throw new FleetlogError('FLEETLOG_ERR_QUEUE_FULL', `The queue is full (${s.queuedBytes} of ${this.#o.maxBytes} bytes, min_free_bytes ${this.#o.minFreeBytes}); try again later.`);
      }
      await this.#freed.wait(undefined, remaining);
    }
  }

  /** Bytes by which an append of `bytes` would pass the cap or the free-space headroom (≤ 0: it fits). */
  async #overBy(bytes: number): Promise<number> {
    const capExcess = this.#usedBytes() + bytes - this.#o.maxBytes;
    const headroomDeficit = this.#o.minFreeBytes - ((await this.#freeSpace.freeBytes()) - bytes);
    return Math.max(capExcess, headroomDeficit);
  }

  #usedBytes(): number {
    let used = 0;
    for (const s of this.#segments) used += s.bytes;
    return used;
  }

  async #writeRecords(key: string, attributes: Attributes, records: readonly EncodedRecord[]): Promise<void> {
    const estimate = frameBytes(key, records);
    if (this.#active && this.#active.meta.bytes > 0 && (this.#active.meta.bytes + estimate > this.#segmentBytes || (!this.#active.resources.has(key) && this.#active.resources.size >= MAX_RESOURCES_PER_SEGMENT))) {
      await this.#seal();
    }
    const active = this.#active ?? (await this.#openSegment());
    let resourceIndex = active.resources.get(key);
    const newResource = resourceIndex === undefined;
    resourceIndex ??= active.resources.size;
    const total = (newResource ? frameSize(key) : 0) + batchFramesSize(records);
    const out = this.#writeBuffer.take(total);
    let pos = newResource ? writeFrame(out, 0, { kind: KIND_RESOURCE, severity: 0, resourceIndex, seq: 0, enqueuedAtMs: 0 }, key) : 0;
    const nowMs = Date.now();
    const firstSeq = this.#nextSeq;
    pos = writeBatchFrames(out, pos, resourceIndex, firstSeq, nowMs, records);
    if (pos !== total) throw new Error(`frames of ${pos} bytes where ${total} were sized`);
    try {
      const { bytesWritten } = await active.handle.write(out, 0, total);
      if (bytesWritten !== total) throw new Error(`short write (${bytesWritten} of ${total} bytes)`);
    } catch (error) {
      await truncate(active.meta.path, active.meta.bytes).catch(() => undefined);
      throw queueError('The queue could not be written', error);
    }
    if (newResource) active.resources.set(key, resourceIndex);
    this.#nextSeq += records.length;
    for (let i = 0; i < records.length; i += 1) noteRecord(active.meta, firstSeq + i, records[i]!.severity, nowMs);
    const startOffset = active.meta.bytes;
    if (this.#unreadCount + records.length <= MAX_UNREAD_RECORDS_IN_MEMORY) {
      this.#unread.push({
        firstSeq, records, enqueuedAtMs: nowMs, segment: active.meta, generation: active.meta.generation,
        startOffset, endOffset: startOffset + total, resourceIndex, resource: { key, attributes },
      });
      this.#unreadCount += records.length;
    }
    active.meta.bytes += total;
    active.dirty = true;
    this.#unacked += records.length;
    this.#freeSpace.wrote(total);
    this.#appended.notify();
  }

  async #openSegment(): Promise<ActiveSegment> {
    const meta = newSegmentMeta(this.directory, segmentName(this.#nextSeq));
    let handle: FileHandle;
    try {
      handle = await open(meta.path, 'a');
      await fsyncDirectory(this.directory);
      this.#countFsync();
    } catch (error) {
      throw queueError('A queue segment could not be created', error);
    }
    this.#segments.push(meta);
    this.#active = { meta, handle, resources: new Map(), dirty: false };
    return this.#active;
  }

  async #syncActive(): Promise<void> {
    const active = this.#active;
    if (!active?.dirty) return;
    active.dirty = false;
    await active.handle.sync();
    this.#countFsync();
  }

  /** Closes the active segment (synced); the next append opens a new one. */
  async #seal(): Promise<void> {
    const active = this.#active;
    if (!active) return;
    try {
      await this.#syncActive();
    } finally {
      this.#active = undefined;
      await active.handle.close().catch(() => undefined);
    }
  }

  #armFsyncTimer(): void {
    if (this.#fsyncTimer !== undefined) return;
    this.#fsyncTimer = setTimeout(() => {
      this.#fsyncTimer = undefined;
      this.#mutex.run(() => this.#syncActive()).catch((error: unknown) => {
        this.#o.logger?.error('The queue could not be synced to disk.', { error: errorMessage(error), code: 'FLEETLOG_ERR_QUEUE_IO' });
      });
    }, this.#o.fsyncIntervalMs);
    this.#fsyncTimer.unref();
  }

  // ── eviction (drop_lowest_severity) ────────────────────────────────────────────────────────────────────────────

  /** Rewrites the oldest segments without unread DEBUG/INFO records, then WARN, until `bytes` are freed. */
  async #evict(bytes: number): Promise<number> {
    let freed = 0;
    for (const cls of [0, 1] as const) {
      for (const meta of [...this.#segments]) {
        if (freed >= bytes) return freed;
        const candidates = meta.classCounts[0] + (cls === 1 ? meta.classCounts[1] : 0);
        if (candidates === 0 || meta.lastSeq <= this.#lastReadSeq) continue;
        if (this.#active?.meta === meta) await this.#seal();
        const { buf, scan } = await readSegment(meta.path);
        if (scan.corrupt.length > 0) this.#countCorrupt(scan.corrupt.length);
        const evictable = (r: FrameRecord): boolean => r.seq > this.#lastReadSeq && evictionClass(r.severity) <= cls;
        let dropped = 0;
        for (const f of scan.frames) for (const r of frameRecords(f)) if (evictable(r)) dropped += 1;
        // Nothing unsent to evict here (what is left is in flight): no rewrite, no flash write.
        if (dropped === 0) continue;
        const keep = (r: FrameRecord): boolean => r.seq > this.#ackedSeq && !evictable(r);
        const before = meta.bytes;
        const result = await rewriteSegment(meta.path, scan.frames, buf, keep, true);
        if (result.deleted) {
          this.#segments = this.#segments.filter((s) => s !== meta);
        } else {
          metaFromFrames(meta, result.kept, result.bytes);
          meta.generation += 1;
        }
        freed += before - result.bytes;
        this.#unacked -= dropped;
        this.#countDropped(dropped);
        this.#freeSpace.invalidate();
      }
    }
    return freed;
  }

  #countDropped(records: number): void {
    if (records <= 0) return;
    this.#dropped += records;
    this.#events.droppedByPolicy(records);
  }

  #countCorrupt(regions: number): void {
    this.#corrupt += regions;
    this.#events.corrupt(regions);
  }

  #countFsync(): void {
    this.#fsyncs += 1;
    this.#events.fsync();
  }

  // ── read / ack ─────────────────────────────────────────────────────────────────────────────────────────────────

  hasUnread(): boolean {
    const last = this.#segments[this.#segments.length - 1];
    return last !== undefined && last.lastSeq > this.#lastReadSeq;
  }

  async waitForAppend(signal: AbortSignal, timeoutMs?: number): Promise<void> {
    if (this.hasUnread()) return;
    await this.#appended.wait(signal, timeoutMs);
  }

  read(maxRecords: number): Promise<QueuedRecord[]> {
    return this.#mutex.run(() => this.#read(maxRecords));
  }

  #cursorSegment(): SegmentMeta | undefined {
    let meta = this.#cursor === undefined ? this.#segments[0] : this.#segments.find((s) => s.name >= this.#cursor!.name);
    // Segments wholly read are skipped without opening them.
    while (meta !== undefined && meta.lastSeq <= this.#lastReadSeq) {
      const next = this.#segments[this.#segments.indexOf(meta) + 1];
      if (next === undefined) break;
      meta = next;
    }
    if (meta === undefined) return undefined;
    if (this.#cursor?.name !== meta.name || this.#cursor.generation !== meta.generation) {
      void this.#cursor?.handle?.close().catch(() => undefined);
      this.#cursor = { name: meta.name, offset: 0, generation: meta.generation, resources: new Map() };
    }
    return meta;
  }

  async #read(maxRecords: number): Promise<QueuedRecord[]> {
    const out: QueuedRecord[] = [];
    let needBytes = READ_CHUNK_BYTES;
    for (let guard = 0; out.length < maxRecords && guard < 10_000; guard += 1) {
      const meta = this.#cursorSegment();
      const cursor = this.#cursor;
      if (meta === undefined || cursor === undefined || meta.lastSeq <= this.#lastReadSeq) break;
      if (cursor.offset >= meta.bytes) {
        // Every committed frame of this segment was scanned. Seqs still above the read position were in damaged
        // frames at its end: they are gone (counted when skipped); move past them, or delivery would stall here.
        if (meta.lastSeq > this.#lastReadSeq) {
          this.#unacked = Math.max(this.#inFlightCount, this.#unacked - (meta.lastSeq - this.#lastReadSeq));
          this.#lastReadSeq = meta.lastSeq;
          continue;
        }
        break;
      }
      if (this.#readFromMemory(meta, cursor, out, maxRecords)) continue;
      const length = Math.min(meta.bytes - cursor.offset, Math.max(READ_CHUNK_BYTES, needBytes));
      const buf = Buffer.allocUnsafe(length);
      cursor.handle ??= await open(meta.path, 'r');
      await cursor.handle.read(buf, 0, length, cursor.offset);
      const scan = scanFrames(buf, 0, cursor.offset + length >= meta.bytes);
      if (scan.corrupt.length > 0) {
        this.#countCorrupt(scan.corrupt.length);
        this.#o.logger?.error('Skipped a damaged region of a queue segment.', { code: 'FLEETLOG_ERR_QUEUE_CORRUPT', segment: meta.name, regions: scan.corrupt.length });
      }
      let consumed = scan.end;
      for (const frame of scan.frames) {
        if (frame.kind === KIND_RESOURCE) {
          const key = frame.json.toString('utf8');
          try {
            cursor.resources.set(frame.resourceIndex, { key, attributes: JSON.parse(key) as Attributes });
          } catch {
            this.#countCorrupt(1);
          }
          continue;
        }
        if (frameLastSeq(frame) <= this.#lastReadSeq) continue;
        if (out.length >= maxRecords) {
          consumed = frame.offset;
          break;
        }
        for (const r of frameRecords(frame)) {
          if (r.seq <= this.#lastReadSeq) continue;
          // A frame read in part: the cursor stays on it, the next read skips what was taken.
          if (out.length >= maxRecords) break;
          this.#lastReadSeq = r.seq;
          const entry = this.#decode(r, cursor);
          if (entry === undefined) continue;
          out.push(entry);
          this.#noteInFlight(r.seq, r.seq, r.enqueuedAtMs);
        }
        if (frameLastSeq(frame) > this.#lastReadSeq) {
          consumed = frame.offset;
          break;
        }
      }
      cursor.offset += consumed;
      needBytes = scan.frames.length === 0 && scan.incompleteBytes >= FRAME_PREFIX_BYTES ? FRAME_PREFIX_BYTES + buf.readUInt32LE(scan.end) : READ_CHUNK_BYTES;
    }
    return out;
  }

  /**
   * Hands out the records of the next write from memory when the cursor stands exactly at its start in its segment
   * (nothing before it left unread, the file not rewritten since): no read, no CRC, no parse. False when not.
   */
  #readFromMemory(meta: SegmentMeta, cursor: ReadCursor, out: QueuedRecord[], maxRecords: number): boolean {
    let head = this.#unread[0];
    while (head !== undefined && head.firstSeq + head.records.length - 1 <= this.#lastReadSeq) {
      this.#dropUnreadHead();
      head = this.#unread[0];
    }
    if (head === undefined || head.segment !== meta || head.generation !== meta.generation || head.startOffset !== cursor.offset) return false;
    const from = Math.max(0, this.#lastReadSeq + 1 - head.firstSeq);
    const to = Math.min(head.records.length, from + maxRecords - out.length);
    const { key, attributes } = head.resource;
    cursor.resources.set(head.resourceIndex, head.resource);
    for (let i = from; i < to; i += 1) {
      const r = head.records[i]!;
      out.push({ seq: head.firstSeq + i, enqueuedAtMs: head.enqueuedAtMs, resourceKey: key, resource: attributes, record: r.record, bytes: r.bytes });
    }
    this.#noteInFlight(head.firstSeq + from, head.firstSeq + to - 1, head.enqueuedAtMs);
    this.#lastReadSeq = head.firstSeq + to - 1;
    if (to === head.records.length) {
      cursor.offset = head.endOffset;
      this.#dropUnreadHead();
    }
    return true;
  }

  #dropUnreadHead(): void {
    const head = this.#unread.shift();
    if (head !== undefined) this.#unreadCount -= head.records.length;
  }

  /** Seqs firstSeq..lastSeq (appended at atMs) were handed out. */
  #noteInFlight(firstSeq: number, lastSeq: number, atMs: number): void {
    const last = this.#inFlight[this.#inFlight.length - 1];
    if (last !== undefined && last.lastSeq + 1 === firstSeq && last.atMs === atMs) last.lastSeq = lastSeq;
    else this.#inFlight.push({ firstSeq, lastSeq, atMs });
    this.#inFlightCount += lastSeq - firstSeq + 1;
  }

  /** The record appended with `seq` if still held in memory (older entries are let go on the way). */
  #takeUnread(seq: number): LogRecord | undefined {
    for (let head = this.#unread[0]; head !== undefined; head = this.#unread[0]) {
      const index = seq - head.firstSeq;
      if (index < 0) return undefined;
      if (index < head.records.length) return head.records[index]!.record;
      this.#dropUnreadHead();
    }
    return undefined;
  }

  #decode(r: FrameRecord, cursor: ReadCursor): QueuedRecord | undefined {
    let record: LogRecord | undefined = this.#takeUnread(r.seq);
    if (record === undefined) {
      try {
        record = decodeRecordJson(r.json.toString('utf8'));
      } catch {
        this.#countCorrupt(1);
        this.#unacked -= 1;
        return undefined;
      }
    }
    const resource = cursor.resources.get(r.resourceIndex) ?? resourceLost();
    return { seq: r.seq, enqueuedAtMs: r.enqueuedAtMs, resourceKey: resource.key, resource: resource.attributes, record, bytes: r.bytes };
  }

  ack(seq: number): Promise<void> {
    if (seq <= this.#ackedSeq) return Promise.resolve();
    this.#ackedSeq = seq;
    let done = 0;
    for (let head = this.#inFlight[0]; head !== undefined && head.firstSeq <= seq; head = this.#inFlight[0]) {
      if (head.lastSeq > seq) {
        done += seq - head.firstSeq + 1;
        head.firstSeq = seq + 1;
        break;
      }
      done += head.lastSeq - head.firstSeq + 1;
      this.#inFlight.shift();
    }
    this.#inFlightCount -= done;
    this.#unacked = Math.max(0, this.#unacked - done);
    this.#schedulePersistAck();
    return this.#mutex.run(() => this.#reclaim(false));
  }

  /** Deletes fully acknowledged segments; the active one too when big enough, or when an append waits for room. */
  async #reclaim(force: boolean): Promise<void> {
    let freed = false;
    for (const meta of [...this.#segments]) {
      if (meta.lastSeq > this.#ackedSeq) break;
      if (this.#active?.meta === meta) {
        if (!(force || this.#freed.waiting > 0 || meta.bytes >= this.#segmentBytes / 4)) continue;
        const handle = this.#active.handle;
        this.#active = undefined;
        await handle.close().catch(() => undefined);
      }
      try {
        await rm(meta.path, { force: true });
      } catch (error) {
        this.#o.logger?.error('An acknowledged queue segment could not be deleted.', { segment: meta.name, error: errorMessage(error), code: 'FLEETLOG_ERR_QUEUE_IO' });
        continue;
      }
      this.#segments = this.#segments.filter((s) => s !== meta);
      // The reader's handle would keep the deleted file's blocks allocated.
      if (this.#cursor?.name === meta.name && this.#cursor.handle) {
        await this.#cursor.handle.close().catch(() => undefined);
        delete this.#cursor.handle;
      }
      freed = true;
    }
    if (freed) {
      this.#freeSpace.invalidate();
      this.#freed.notify();
    }
  }

  #schedulePersistAck(): void {
    if (this.#ackTimer !== undefined) return;
    this.#ackTimer = setTimeout(() => {
      this.#ackTimer = undefined;
      this.#persistAck().catch((error: unknown) => {
        this.#o.logger?.error('The queue acknowledgement could not be saved; records may be re-sent after a restart.', { error: errorMessage(error), code: 'FLEETLOG_ERR_QUEUE_IO' });
      });
    }, this.#o.ackPersistDelayMs ?? DEFAULT_ACK_PERSIST_DELAY_MS);
    this.#ackTimer.unref();
  }

  /** Writes ack.pos (one write at a time). */
  #persistAck(): Promise<void> {
    return this.#ackMutex.run(async () => {
      const seq = this.#ackedSeq;
      if (seq <= this.#persistedAckSeq) return;
      await this.#ackPointer.update(seq);
      this.#persistedAckSeq = seq;
    });
  }

  // ── stats / close ──────────────────────────────────────────────────────────────────────────────────────────────

  stats(): QueueStats {
    let oldest = this.#inFlight[0]?.atMs;
    if (oldest === undefined && this.#unacked > 0) oldest = this.#segments.find((s) => s.lastSeq > this.#ackedSeq)?.firstEnqueuedAtMs;
    return {
      queuedRecords: this.#unacked,
      queuedBytes: this.#usedBytes(),
      oldestUnackedAtMs: oldest,
      droppedByPolicyRecords: this.#dropped,
      corruptRecords: this.#corrupt,
      fsyncs: this.#fsyncs,
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (!this.#ready) {
      // The open failed (lock held by another process, unreadable folder): touch nothing of the folder.
      await this.#releaseLock?.();
      return;
    }
    this.#freed.notify();
    while (this.#writeLoop !== undefined) await this.#writeLoop;
    if (this.#fsyncTimer !== undefined) clearTimeout(this.#fsyncTimer);
    if (this.#ackTimer !== undefined) clearTimeout(this.#ackTimer);
    this.#fsyncTimer = undefined;
    this.#ackTimer = undefined;
    try {
      await this.#mutex.run(async () => {
        await this.#seal();
        await this.#cursor?.handle?.close().catch(() => undefined);
        this.#cursor = undefined;
      });
      await this.#ackMutex.run(() => this.#ackPointer.close(this.#ackedSeq));
    } finally {
      await this.#releaseLock?.();
    }
  }
}

// `queue.enabled: false`: the same queue semantics held in memory only (lost on a crash). Used for the on/off
// throughput comparison and where a site accepts the risk (the durability lint warns).
import type { LogBatch, LogRecord } from '../component/log-record.js';
import { FleetlogError, PermanentError } from '../component/errors.js';
import { Notifier } from './notifier.js';
import { approxRecordBytes } from './record-size.js';
import { NO_QUEUE_EVENTS, evictionClass, resourceKeyOf, type DeliveryQueue, type QueueEvents, type QueueStats, type QueuedRecord } from './queue.js';

export interface MemoryQueueOptions {
  maxBytes: number;
  fullPolicy: 'block' | 'drop_lowest_severity';
  /** How long append() waits for space under `block` before rejecting with FLEETLOG_ERR_QUEUE_FULL. */
  fullWaitMs: number;
  /** Where records larger than max_bytes go; without it they are refused (PermanentError). */
  oversize?: (batch: LogBatch, reason: string) => Promise<void>;
  events?: QueueEvents;
}

const RECORD_OVERHEAD_BYTES = 16;

export class MemoryQueue implements DeliveryQueue {
  #options: MemoryQueueOptions;
  #events: QueueEvents;
  /** Unacknowledged records in order; the first `#readCount` of them have been read. */
  #records: QueuedRecord[] = [];
  #readCount = 0;
  #bytes = 0;
  #nextSeq = 1;
  #dropped = 0;
  #appended = new Notifier();
  #freed = new Notifier();
  #closed = false;

  constructor(options: MemoryQueueOptions) {
    this.#options = options;
    this.#events = options.events ?? NO_QUEUE_EVENTS;
  }

  async open(): Promise<void> {}

  /**
   * Admits the batch record by record. The bounded wait applies until the first record is in; after that the rest
   * waits as long as it takes (a batch larger than the queue goes in as the sender drains, and is never half-queued
   * twice by a retry). Records larger than the whole queue go to `oversize`.
   */
  async append(batch: LogBatch): Promise<void> {
    if (this.#closed) throw new FleetlogError('FLEETLOG_ERR_QUEUE_IO', 'The queue is closed.');
    const resourceKey = resourceKeyOf(batch.resource);
    const { maxBytes } = this.#options;
    const oversize: LogRecord[] = [];
    const deadline = performance.now() + this.#options.fullWaitMs;
    let admitted = 0;
    let dropped = 0;
    for (const record of batch.records) {
      const bytes = approxRecordBytes(record) + RECORD_OVERHEAD_BYTES;
      if (bytes > maxBytes) {
        oversize.push(record);
        continue;
      }
      let skip = false;
      while (this.#bytes + bytes > maxBytes) {
        if (this.#options.fullPolicy === 'drop_lowest_severity') {
          this.#evict(this.#bytes + bytes - maxBytes);
          if (this.#bytes + bytes <= maxBytes) break;
          if (evictionClass(record.severityNumber) < 2) {
            skip = true;
            break;
          }
        }
        const remaining = admitted === 0 ? deadline - performance.now() : undefined;
        if (remaining !== undefined && remaining <= 0) {
          this.#countDropped(dropped);
          throw new FleetlogError('FLEETLOG_ERR_QUEUE_FULL', `The in-memory queue is full (${this.#bytes} of ${maxBytes} bytes).`);
        }
        await this.#freed.wait(undefined, remaining);
        if (this.#closed) throw new FleetlogError('FLEETLOG_ERR_QUEUE_IO', 'The queue closed while the batch waited for room.');
      }
      if (skip) {
        dropped += 1;
        continue;
      }
      this.#records.push({ seq: this.#nextSeq++, enqueuedAtMs: Date.now(), resourceKey, resource: batch.resource, record, bytes });
      this.#bytes += bytes;
      admitted += 1;
      this.#appended.notify();
    }
    this.#countDropped(dropped);
    if (oversize.length > 0) {
      if (!this.#options.oversize) throw new PermanentError(`A record can never fit the queue's max_bytes of ${maxBytes}.`);
      await this.#options.oversize({ resource: batch.resource, records: oversize }, `record larger than queue.max_bytes (${maxBytes} bytes)`);
    }
  }

  /** Evicts unread DEBUG/INFO records oldest first, then WARN, until `bytes` are freed. */
  #evict(bytes: number): void {
    let freed = 0;
    for (const cls of [0, 1] as const) {
      if (freed >= bytes) break;
      const kept: QueuedRecord[] = this.#records.slice(0, this.#readCount);
      let dropped = 0;
      for (const entry of this.#records.slice(this.#readCount)) {
        if (freed < bytes && evictionClass(entry.record.severityNumber) <= cls) {
          freed += entry.bytes;
          dropped += 1;
        } else {
          kept.push(entry);
        }
      }
      this.#records = kept;
      this.#countDropped(dropped);
    }
    this.#bytes = this.#records.reduce((sum, r) => sum + r.bytes, 0);
  }

  #countDropped(records: number): void {
    if (records <= 0) return;
    this.#dropped += records;
    this.#events.droppedByPolicy(records);
  }

  async read(maxRecords: number): Promise<QueuedRecord[]> {
    const out = this.#records.slice(this.#readCount, this.#readCount + maxRecords);
    this.#readCount += out.length;
    return out;
  }

  hasUnread(): boolean {
    return this.#readCount < this.#records.length;
  }

  async waitForAppend(signal: AbortSignal, timeoutMs?: number): Promise<void> {
    if (this.hasUnread()) return;
    await this.#appended.wait(signal, timeoutMs);
  }

  async ack(seq: number): Promise<void> {
    let count = 0;
    while (count < this.#records.length && this.#records[count]!.seq <= seq) {
      this.#bytes -= this.#records[count]!.bytes;
      count += 1;
    }
    this.#records.splice(0, count);
    this.#readCount = Math.max(0, this.#readCount - count);
    if (count > 0) this.#freed.notify();
  }

  stats(): QueueStats {
    return {
      queuedRecords: this.#records.length,
      queuedBytes: this.#bytes,
      oldestUnackedAtMs: this.#records[0]?.enqueuedAtMs,
      droppedByPolicyRecords: this.#dropped,
      corruptRecords: 0,
      fsyncs: 0,
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#freed.notify();
  }
}

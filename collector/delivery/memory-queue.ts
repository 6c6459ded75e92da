// `queue.enabled: false`: the same queue semantics held in memory only (lost on a crash). Used for the on/off
// throughput comparison and where a site accepts the risk (the durability lint warns).
import type { LogBatch } from '../component/log-record.js';
import { FleetlogError, PermanentError } from '../component/errors.js';
import { Notifier } from './notifier.js';
import { NO_QUEUE_EVENTS, evictionClass, resourceKeyOf, type DeliveryQueue, type QueueEvents, type QueueStats, type QueuedRecord } from './queue.js';

export interface MemoryQueueOptions {
  maxBytes: number;
  fullPolicy: 'block' | 'drop_lowest_severity';
  /** How long append() waits for space under `block` before rejecting with FLEETLOG_ERR_QUEUE_FULL. */
  fullWaitMs: number;
  events?: QueueEvents;
}

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

  async append(batch: LogBatch): Promise<void> {
    if (this.#closed) throw new FleetlogError('FLEETLOG_ERR_QUEUE_IO', 'The queue is closed.');
    const resourceKey = resourceKeyOf(batch.resource);
    let records = batch.records.map((record) => ({ record, bytes: JSON.stringify(record).length + 16 }));
    let needed = records.reduce((sum, r) => sum + r.bytes, 0);
    if (needed > this.#options.maxBytes) throw new PermanentError(`A batch of ${needed} bytes can never fit a queue of ${this.#options.maxBytes} bytes.`);
    const deadline = Date.now() + this.#options.fullWaitMs;
    while (this.#bytes + needed > this.#options.maxBytes) {
      if (this.#options.fullPolicy === 'drop_lowest_severity') {
        this.#evict(this.#bytes + needed - this.#options.maxBytes);
        if (this.#bytes + needed <= this.#options.maxBytes) break;
        const before = records.length;
        for (const cls of [0, 1] as const) {
          if (this.#bytes + needed <= this.#options.maxBytes) break;
          records = records.filter((r) => evictionClass(r.record.severityNumber) !== cls);
          needed = records.reduce((sum, r) => sum + r.bytes, 0);
        }
        this.#countDropped(before - records.length);
        if (this.#bytes + needed <= this.#options.maxBytes) break;
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0 || !(await this.#freed.wait(undefined, remaining))) {
        if (this.#bytes + needed <= this.#options.maxBytes) break;
        throw new FleetlogError('FLEETLOG_ERR_QUEUE_FULL', `The in-memory queue is full (${this.#bytes} of ${this.#options.maxBytes} bytes).`);
      }
    }
    const now = Date.now();
    for (const { record, bytes } of records) {
      this.#records.push({ seq: this.#nextSeq++, enqueuedAtMs: now, resourceKey, resource: batch.resource, record, bytes });
      this.#bytes += bytes;
    }
    this.#appended.notify();
  }

  /** Evicts unread DEBUG/INFO records oldest first, then WARN, until `bytes` are freed. */
  #evict(bytes: number): void {
    let freed = 0;
    for (const cls of [0, 1] as const) {
      if (freed >= bytes) break;
      const kept: QueuedRecord[] = this.#records.slice(0, this.#readCount);
      let dropped = 0;
      for (const entry of this.#records.slice(this.#readCount)) {
        if (freed < bytes && evictionClass(entry.record.severityNumber) === cls) {
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

  async waitForAppend(signal: AbortSignal): Promise<void> {
    if (this.hasUnread()) return;
    await this.#appended.wait(signal);
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

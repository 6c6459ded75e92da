// What the send loop needs from a queue: append (durable on return), read in order past a cursor, acknowledge a
// prefix. Two implementations: disk-queue.ts (the default) and memory-queue.ts (`queue.enabled: false`).
import type { Attributes, LogBatch, LogRecord } from '../component/log-record.js';

export interface QueuedRecord {
  /** Position in the queue; strictly increasing in append order, never reused. */
  readonly seq: number;
  /** Wall-clock time of the append, in ms. */
  readonly enqueuedAtMs: number;
  /** Records with equal keys share a resource and may go into one batch. */
  readonly resourceKey: string;
  readonly resource: Attributes;
  readonly record: LogRecord;
  /** The record's size in the queue (on disk: its frame). */
  readonly bytes: number;
}

/** Cumulative counters and current levels of a queue. */
export interface QueueStats {
  queuedRecords: number;
  queuedBytes: number;
  /** Append time of the oldest record not yet acknowledged; undefined when none. */
  oldestUnackedAtMs: number | undefined;
  droppedByPolicyRecords: number;
  corruptRecords: number;
  fsyncs: number;
}

/** Counted events a queue reports as they happen (self-metrics). */
export interface QueueEvents {
  fsync(): void;
  corrupt(records: number): void;
  droppedByPolicy(records: number): void;
}

export const NO_QUEUE_EVENTS: QueueEvents = Object.freeze({ fsync() {}, corrupt() {}, droppedByPolicy() {} });

export interface DeliveryQueue {
  open(): Promise<void>;
  /**
   * Resolves once the batch is stored (on disk: per the fsync policy). When full, applies the full policy: block
   * (waits up to the queue's bounded wait, then rejects with a retryable FLEETLOG_ERR_QUEUE_FULL) or evict.
   * Rejects with PermanentError when the batch can never fit.
   */
  append(batch: LogBatch): Promise<void>;
  /** Up to `maxRecords` records after the read cursor, in order; advances the cursor. [] when none. */
  read(maxRecords: number): Promise<QueuedRecord[]>;
  /** True when read() would return something. */
  hasUnread(): boolean;
  /** Resolves when records may have been appended, the signal aborts, or after `timeoutMs` if given. */
  waitForAppend(signal: AbortSignal, timeoutMs?: number): Promise<void>;
  /** Everything up to and including `seq` is done with (sent or dead-lettered). */
  ack(seq: number): Promise<void>;
  stats(): QueueStats;
  /** Persists the acknowledgement and closes files; idempotent. */
  close(): Promise<void>;
}

/** The stable key of a resource (records with equal keys may share a batch). */
export function resourceKeyOf(resource: Attributes): string {
  return JSON.stringify(resource);
}

/** Severity classes of the drop policy: 0 DEBUG/INFO (evicted first), 1 WARN and unspecified, 2 never evicted. */
export function evictionClass(severityNumber: number): 0 | 1 | 2 {
  if (severityNumber >= 17) return 2;
  if (severityNumber >= 13 || severityNumber <= 0) return 1;
  return 0;
}

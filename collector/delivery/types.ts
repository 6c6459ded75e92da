// The seam between the pipeline graph and durable delivery. The graph wraps every exporter in a DeliveryNode
// (createDeliveryNode in delivery-node.ts): consume() appends to the exporter's disk queue and resolves once the
// batch is durable there; a background loop reads the queue in order, batches, calls the exporter's send() and
// acts on its SendResult (ok → acknowledge; retry → back off, never give up on its own; drop → dead letters).
import type { Component, Exporter, LogsConsumer, Settings } from '../component/contract.js';
import type { DeliveryConfig } from './config.js';

export interface DeliveryStats {
  queuedRecords: number;
  queuedBytes: number;
  /** Age of the oldest record not yet acknowledged by the exporter, in seconds (0 when empty). */
  oldestUnsentAgeSeconds: number;
  sentRecords: number;
  /** Records of sends that failed and are retried (a record counts once per failed attempt). */
  sendFailedRecords: number;
  retries: number;
  deadLetteredRecords: number;
  droppedByPolicyRecords: number;
  corruptRecords: number;
  fsyncs: number;
  lastError?: string;
}

/**
 * The node owns the exporter's lifecycle: start() opens the queue (recovery), starts the exporter and the send
 * loop; shutdown() drains until its deadline, keeps the rest queued, and shuts the exporter down. The pipeline
 * calls the node's start/shutdown, not the exporter's.
 */
export interface DeliveryNode extends Component, LogsConsumer {
  readonly id: string;
  stats(): DeliveryStats;
}

export interface DeliveryNodeOptions {
  settings: Settings;
  exporter: Exporter;
  config: DeliveryConfig;
  /** The exporter's queue folder (under service.storage.directory; see queueDirectoryFor in queue-paths.ts). */
  directory: string;
  /** How long shutdown() keeps sending before it leaves the rest queued (default 5 s). */
  shutdownTimeoutMs?: number;
  /** With `full_policy: block`, how long consume() waits for space before rejecting (retryable) with FLEETLOG_ERR_QUEUE_FULL (default 5 s). */
  fullWaitMs?: number;
}

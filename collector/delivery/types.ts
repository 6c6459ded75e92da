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
  retries: number;
  deadLetteredRecords: number;
  droppedByPolicyRecords: number;
  corruptRecords: number;
  lastError?: string;
}

export interface DeliveryNode extends Component, LogsConsumer {
  readonly id: string;
  stats(): DeliveryStats;
}

export interface DeliveryNodeOptions {
  settings: Settings;
  exporter: Exporter;
  config: DeliveryConfig;
  /** The exporter's queue folder (under service.storage.directory). */
  directory: string;
}

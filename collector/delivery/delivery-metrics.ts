// The delivery self-metrics (DESIGN §9.10), registered once per exporter through settings.meter.
import type { Counter, Gauge, Meter } from '../component/contract.js';
import type { QueueEvents } from './queue.js';

export const DELIVERY_METRIC_NAMES = {
  queueBytes: 'fleetlog_exporter_queue_bytes',
  queueRecords: 'fleetlog_exporter_queue_records',
  oldestUnsentAge: 'fleetlog_exporter_oldest_unsent_age_seconds',
  sentRecords: 'fleetlog_exporter_sent_records_total',
  sendFailedRecords: 'fleetlog_exporter_send_failed_records_total',
  retries: 'fleetlog_exporter_retries_total',
  deadLetteredRecords: 'fleetlog_exporter_dead_lettered_records_total',
  droppedRecords: 'fleetlog_exporter_dropped_records_total',
  fsyncs: 'fleetlog_queue_fsyncs_total',
  corruptRecords: 'fleetlog_queue_corrupt_records_total',
} as const;

export class DeliveryMetrics {
  readonly queueBytes: Gauge;
  readonly queueRecords: Gauge;
  readonly oldestUnsentAge: Gauge;
  readonly sentRecords: Counter;
  readonly sendFailedRecords: Counter;
  readonly retries: Counter;
  readonly deadLetteredRecords: Counter;
  readonly droppedRecords: Counter;
  readonly fsyncs: Counter;
  readonly corruptRecords: Counter;

  constructor(meter: Meter) {
    const n = DELIVERY_METRIC_NAMES;
    this.queueBytes = meter.gauge(n.queueBytes, 'Bytes in the exporter queue (on disk when durable).');
    this.queueRecords = meter.gauge(n.queueRecords, 'Records in the exporter queue not yet acknowledged.');
    this.oldestUnsentAge = meter.gauge(n.oldestUnsentAge, 'Age of the oldest queued record not yet sent, in seconds.');
    this.sentRecords = meter.counter(n.sentRecords, 'Records the destination accepted.');
    this.sendFailedRecords = meter.counter(n.sendFailedRecords, 'Records of sends that failed and will be retried.');
    this.retries = meter.counter(n.retries, 'Retried sends.');
    this.deadLetteredRecords = meter.counter(n.deadLetteredRecords, 'Records moved to the dead-letter folder.');
    this.droppedRecords = meter.counter(n.droppedRecords, 'Records evicted by the drop_lowest_severity full policy.');
    this.fsyncs = meter.counter(n.fsyncs, 'fsync calls of the disk queue.');
    this.corruptRecords = meter.counter(n.corruptRecords, 'Queue records (or torn regions) that failed their checksum.');
  }

  queueEvents(): QueueEvents {
    return {
      fsync: () => this.fsyncs.add(1),
      corrupt: (records) => this.corruptRecords.add(records),
      droppedByPolicy: (records) => this.droppedRecords.add(records),
    };
  }
}

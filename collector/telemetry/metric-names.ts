// The fixed self-metric vocabulary (DESIGN §9.10): `fleetlog_<kind>_<what>_<unit>`, one entry per series family,
// each with its type and help text. Components count; they do not log per record. Labels: `receiver`, `processor`
// (+ `pipeline`), `exporter` — the component id.

export interface MetricDefinition {
  readonly name: string;
  readonly type: 'counter' | 'gauge';
  readonly help: string;
}

const counter = (name: string, help: string): MetricDefinition => ({ name, type: 'counter', help });
const gauge = (name: string, help: string): MetricDefinition => ({ name, type: 'gauge', help });

export const METRICS = {
  receiverAcceptedRecords: counter('fleetlog_receiver_accepted_records_total', 'Records a receiver pushed that the pipelines accepted.'),
  receiverRefusedRecords: counter('fleetlog_receiver_refused_records_total', 'Records a receiver pushed that the pipelines refused (back-pressure or permanent).'),
  processorIncomingRecords: counter('fleetlog_processor_incoming_records_total', 'Records into a processor.'),
  processorOutgoingRecords: counter('fleetlog_processor_outgoing_records_total', 'Records a processor passed on.'),
  processorDroppedRecords: counter('fleetlog_processor_dropped_records_total', 'Records a processor dropped on purpose (in minus out, per batch).'),
  exporterSentRecords: counter('fleetlog_exporter_sent_records_total', 'Records the destination accepted.'),
  exporterSendFailedRecords: counter('fleetlog_exporter_send_failed_records_total', 'Records of sends that failed and will be retried.'),
  exporterQueueBytes: gauge('fleetlog_exporter_queue_bytes', 'Bytes in the exporter queue (on disk when durable).'),
  exporterQueueRecords: gauge('fleetlog_exporter_queue_records', 'Records in the exporter queue not yet acknowledged.'),
  exporterOldestUnsentAgeSeconds: gauge('fleetlog_exporter_oldest_unsent_age_seconds', 'Age of the oldest queued record not yet sent, in seconds.'),
  exporterRetries: counter('fleetlog_exporter_retries_total', 'Retried sends.'),
  exporterDeadLetteredRecords: counter('fleetlog_exporter_dead_lettered_records_total', 'Records moved to the dead-letter folder.'),
  exporterDroppedRecords: counter('fleetlog_exporter_dropped_records_total', 'Records evicted by the drop_lowest_severity full policy.'),
  queueFsyncs: counter('fleetlog_queue_fsyncs_total', 'fsync calls of the disk queue.'),
  queueCorruptRecords: counter('fleetlog_queue_corrupt_records_total', 'Queue records (or torn regions) that failed their checksum.'),
  componentStatus: gauge('fleetlog_component_status', '1 for the status a component is in (label status), 0 for the others.'),
  internalErrors: counter('fleetlog_internal_errors_total', 'Failures after start that were caught and reported instead of crashing.'),
  heartbeats: counter('fleetlog_heartbeats_total', 'Heartbeat records emitted into the pipelines.'),
  uptimeSeconds: gauge('fleetlog_process_uptime_seconds', 'Seconds since the collector started.'),
} as const satisfies Record<string, MetricDefinition>;

export const METRIC_NAMES: readonly string[] = Object.values(METRICS).map((m) => m.name);

/** A valid Prometheus metric name. Plugins may add their own families; they should start with `fleetlog_`. */
export const METRIC_NAME_PATTERN = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

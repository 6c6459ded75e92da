// The receiver's self-metrics (names from the fixed vocabulary, DESIGN §9.10).
import type { Counter, Gauge, Meter } from '../../../collector/component/index.js';

export interface FileLogMetrics {
  accepted: Counter;
  refused: Counter;
  unparsed: Counter;
  truncatedLines: Counter;
  rotations: Counter;
  openFiles: Gauge;
}

export function createMetrics(meter: Meter): FileLogMetrics {
  return {
    accepted: meter.counter('fleetlog_receiver_accepted_records_total', 'Records accepted downstream.'),
    refused: meter.counter('fleetlog_receiver_refused_records_total', 'Records refused downstream for good (PermanentError).'),
    unparsed: meter.counter('fleetlog_receiver_file_log_unparsed_lines_total', 'Lines the parser did not recognise (kept whole as the body).'),
    truncatedLines: meter.counter('fleetlog_receiver_file_log_truncated_lines_total', 'Lines longer than max_line_bytes (cut).'),
    rotations: meter.counter('fleetlog_receiver_file_log_truncations_total', 'Files found truncated or rewritten (copytruncate).'),
    openFiles: meter.gauge('fleetlog_receiver_file_log_open_files', 'Files being read.'),
  };
}

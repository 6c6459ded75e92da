// The receiver's own self-metrics. Accepted / refused records are counted by the host around `next`
// (collector/pipeline/instrument.ts), so they are not counted here again.
import type { Counter, Gauge, Meter } from '../../../collector/component/index.js';

export interface FileLogMetrics {
  unparsed: Counter;
  truncatedLines: Counter;
  joinedLines: Counter;
  rotations: Counter;
  openFiles: Gauge;
}

export function createMetrics(meter: Meter): FileLogMetrics {
  return {
    unparsed: meter.counter('fleetlog_receiver_file_log_unparsed_lines_total', 'Lines the parser did not recognise (kept whole as the body).'),
    truncatedLines: meter.counter('fleetlog_receiver_file_log_truncated_lines_total', 'Lines longer than max_line_bytes (cut).'),
    joinedLines: meter.counter('fleetlog_receiver_file_log_joined_lines_total', 'Continuation lines (tracebacks) joined into the message of the record before them.'),
    rotations: meter.counter('fleetlog_receiver_file_log_truncations_total', 'Files found truncated or rewritten (copytruncate).'),
    openFiles: meter.gauge('fleetlog_receiver_file_log_open_files', 'Files being read.'),
  };
}

/**
 * Per-line events, counted in plain numbers while lines are read and added to the metrics once per batch (DESIGN §9:
 * count per batch, never per record).
 */
export class LineCounts {
  unparsed = 0;
  truncated = 0;
  joined = 0;

  /** Adds what was counted since the last flush to `metrics`. */
  flush(metrics: FileLogMetrics): void {
    if (this.unparsed > 0) metrics.unparsed.add(this.unparsed);
    if (this.truncated > 0) metrics.truncatedLines.add(this.truncated);
    if (this.joined > 0) metrics.joinedLines.add(this.joined);
    this.unparsed = 0;
    this.truncated = 0;
    this.joined = 0;
  }
}

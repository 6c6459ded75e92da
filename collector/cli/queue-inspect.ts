// `fleetlog queue inspect --config F [--exporter ID] [--json]`: per exporter, what waits in its queue.
import type { Command, CommandIo } from './command.js';
import { parseQueueArgs } from './queue-args.js';
import { loadExporterQueues } from './queue-config.js';
import { inspectQueue, type QueueInspection } from '../delivery/queue-inspect.js';

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}

export function formatAge(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86_400)}d ${Math.floor((s % 86_400) / 3600)}h`;
}

function describe(id: string, q: QueueInspection, nowMs: number): string {
  const lines = [`${id}`, `  folder:        ${q.directory}${q.exists ? '' : ' (not created yet)'}`];
  lines.push(`  queued:        ${q.queuedRecords} records, ${formatBytes(q.queuedBytes)} in ${q.segments} segment${q.segments === 1 ? '' : 's'}`);
  lines.push(`  oldest unsent: ${q.oldestUnsentAtMs === undefined ? '-' : `${formatAge((nowMs - q.oldestUnsentAtMs) / 1000)} ago`}`);
  lines.push(`  dead letters:  ${q.deadLetterRecords} records in ${q.deadLetterFiles} file${q.deadLetterFiles === 1 ? '' : 's'}`);
  lines.push(`  last error:    ${q.status?.lastError === undefined ? '-' : `${q.status.lastError} (${q.status.lastErrorAt ?? '?'})`}`);
  if (q.replayInboxFiles > 0) lines.push(`  replay inbox:  ${q.replayInboxFiles} file(s) handed to the collector, not yet re-queued`);
  if (q.quarantinedFiles > 0) lines.push(`  quarantine:    ${q.quarantinedFiles} damaged segment copy(ies) in ${q.directory}/quarantine`);
  if (q.corruptRegions > 0) lines.push(`  damaged:       ${q.corruptRegions} region(s) failed their checksum (repaired at the next start)`);
  lines.push(`  collector:     ${q.runningPid === undefined ? 'not running' : `running (pid ${q.runningPid})`}`);
  return lines.join('\n');
}

export const queueInspectCommand: Command = {
  name: 'queue inspect',
  summary: 'Show each exporter queue: queued records and bytes, oldest unsent, dead letters, last error',
  help: [
    'Usage: fleetlog queue inspect --config FILE [--exporter ID] [--json]',
    '',
    'Reads the exporter queues under service.storage.directory without changing them (safe while the collector runs).',
    '',
    'Options:',
    '  --config FILE   the site config',
    '  --exporter ID   only this exporter',
    '  --json          one JSON object per exporter, for scripts',
    '',
    'Example: fleetlog queue inspect --config /etc/fleetlog/site.yaml',
  ].join('\n'),
  async run(args: readonly string[], io: CommandIo): Promise<number> {
    const parsed = parseQueueArgs(args);
    if (typeof parsed === 'string') {
      io.stderr.write(`fleetlog queue inspect: ${parsed}\n`);
      return 2;
    }
    const queues = await loadExporterQueues(parsed.config!, io);
    if (!queues) return 1;
    const selected = parsed.exporter === undefined ? queues : queues.filter((q) => q.id === parsed.exporter);
    if (selected.length === 0) {
      io.stderr.write(`fleetlog queue inspect: no exporter '${parsed.exporter}' (known: ${queues.map((q) => q.id).join(', ') || 'none'})\n`);
      return 1;
    }
    const nowMs = Date.now();
    const reports: string[] = [];
    for (const q of selected) {
      const inspection = await inspectQueue(q.directory);
      if (parsed.json) {
        reports.push(JSON.stringify({
          exporter: q.id, ...inspection,
          oldestUnsentAgeSeconds: inspection.oldestUnsentAtMs === undefined ? 0 : (nowMs - inspection.oldestUnsentAtMs) / 1000,
        }));
      } else {
        reports.push(describe(q.id, inspection, nowMs));
      }
    }
    io.stdout.write(`${reports.join(parsed.json ? '\n' : '\n\n')}\n`);
    return 0;
  },
};

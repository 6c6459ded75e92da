// `fleetlog queue replay-dead-letters --config F --exporter ID`: re-queues an exporter's dead letters.
import type { Command, CommandIo } from './command.js';
import { errorMessage } from '../component/errors.js';
import { parseQueueArgs } from './queue-args.js';
import { loadExporterQueues } from './queue-config.js';
import { replayDeadLetters } from '../delivery/replay-dead-letters.js';

export const queueReplayDeadLettersCommand: Command = {
  name: 'queue replay-dead-letters',
  summary: "Put an exporter's dead-lettered records back into its queue",
  help: [
    'Usage: fleetlog queue replay-dead-letters --config FILE --exporter ID',
    '',
    'Appends the records of every dead-letter file of the exporter to its queue, then deletes the file; they are',
    'sent at the next start. While a collector runs, the files are handed to it instead (moved into the queue\'s',
    'replay-inbox/) and it re-queues them at once. Lines that are not records are kept in a .unreadable file beside.',
    '',
    'Example: fleetlog queue replay-dead-letters --config /etc/fleetlog/site.yaml --exporter otlp_http/cloud',
  ].join('\n'),
  async run(args: readonly string[], io: CommandIo): Promise<number> {
    const parsed = parseQueueArgs(args);
    if (typeof parsed === 'string' || parsed.exporter === undefined) {
      io.stderr.write(`fleetlog queue replay-dead-letters: ${typeof parsed === 'string' ? parsed : '--exporter ID is required'}\n`);
      return 2;
    }
    const queues = await loadExporterQueues(parsed.config!, io);
    if (!queues) return 1;
    const queue = queues.find((q) => q.id === parsed.exporter);
    if (!queue) {
      io.stderr.write(`fleetlog queue replay-dead-letters: no exporter '${parsed.exporter}' (known: ${queues.map((q) => q.id).join(', ') || 'none'})\n`);
      return 1;
    }
    try {
      const report = await replayDeadLetters(queue.directory, queue.delivery);
      if (report.movedToInbox) {
        io.stdout.write(`Moved ${report.files} dead-letter file${report.files === 1 ? '' : 's'} of ${queue.id} into its replay inbox (queue.mode: direct, no queue): a running collector sends them now, else at its next start.\n`);
        return 0;
      }
      if (report.handedToPid !== undefined) {
        io.stdout.write(`Handed ${report.files} dead-letter file${report.files === 1 ? '' : 's'} of ${queue.id} to the running collector (pid ${report.handedToPid}); it re-queues them now.\n`);
        return 0;
      }
      io.stdout.write(`Re-queued ${report.records} records from ${report.files} dead-letter file${report.files === 1 ? '' : 's'} of ${queue.id}.${report.badLines > 0 ? ` ${report.badLines} unreadable lines kept in .unreadable files.` : ''}\n`);
      return 0;
    } catch (error) {
      io.stderr.write(`fleetlog queue replay-dead-letters: ${errorMessage(error)}\n`);
      return 1;
    }
  },
};

// `fleetlog eport unpack`: ePort frames (or one forwarded payload) → PRD entries as NDJSON.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseCommandArgs } from './cli-options.js';
import type { Command, CommandIo } from './command.js';
import { entryFromEvent } from '../../eport/packer/event.js';
import { readFramesFile } from '../../eport/packer/frames-file.js';
import { unpack } from '../../eport/packer/unpack.js';

export const eportUnpackCommand: Command = {
  name: 'eport unpack',
  summary: 'Print the PRD log entries (NDJSON) carried by ePort frames or a forwarded payload',
  help: [
    'Usage: fleetlog eport unpack --input FRAMES.bin [--received ISO-TIME] [--meta]',
    '',
    'Reads a frames file (any wire encoding) or a single payload file as the ePort network forwards it.',
    'Aggregates carry "count" and "last_timestamp"; a lossy frame is reported on stderr with its counts.',
    '',
    'Options:',
    '  --input FILE        frames file or payload file',
    '  --received TIME     when the payload was received (compact lines have no year; default now)',
    '  --meta              print each payload\'s header as a JSON line on stderr',
    '',
    'Example: fleetlog eport unpack --input day.bin > day.ndjson',
  ].join('\n'),
  async run(args: readonly string[], io: CommandIo): Promise<number> {
    const values = parseCommandArgs('eport unpack', args, { input: { type: 'string' }, received: { type: 'string' }, meta: { type: 'boolean' } }, io);
    if (values === undefined) return 2;
    if (values.input === undefined) {
      io.stderr.write('eport unpack: --input is required\n');
      return 2;
    }
    const receivedAtMs = values.received === undefined ? Date.now() : Date.parse(values.received);
    if (!Number.isFinite(receivedAtMs)) {
      io.stderr.write('eport unpack: --received must be an ISO-8601 time\n');
      return 2;
    }
    let data: Buffer;
    try {
      data = await readFile(resolve(io.cwd, values.input));
    } catch (error) {
      io.stderr.write(`eport unpack: cannot read ${values.input}: ${(error as Error).message}\n`);
      return 1;
    }
    const frames = readFramesFile(data);
    const payloads = frames.payloads.length > 0 ? frames.payloads : [data];
    let failed = 0;
    for (const payload of payloads) {
      const result = unpack(payload, receivedAtMs);
      if (!result.ok) {
        failed += 1;
        io.stderr.write(`eport unpack: payload rejected: ${result.reason}\n`);
        continue;
      }
      if (values.meta) io.stderr.write(`${JSON.stringify(result.meta)}\n`);
      else if (!result.meta.lossless && result.meta.format === 'packed') {
        io.stderr.write(`eport unpack: lossy payload ${result.meta.sequence}: ${result.meta.aggregatedRecords} aggregated, ${result.meta.cutRecords} cut, ${result.meta.shortenedRecords} shortened\n`);
      }
      io.stdout.write(result.events.map((e) => `${JSON.stringify(entryFromEvent(e))}\n`).join(''));
    }
    return failed > 0 ? 1 : 0;
  },
};

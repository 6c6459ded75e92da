// `fleetlog eport pack`: PRD entries (NDJSON) → ePort frames, with one JSON line of what it did.
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseCommandArgs } from './cli-options.js';
import type { Command, CommandIo } from './command.js';
import { EntryError, eventFromEntry, type EportEvent } from '../../eport/packer/event.js';
import { pack, DEFAULT_MAX_PAYLOAD_BYTES, MIN_MAX_PAYLOAD_BYTES, type PackFormat } from '../../eport/packer/packer.js';
import { framesFile } from '../../eport/packer/frames-file.js';
import { WIRE_ENCODINGS, type WireEncoding } from '../../eport/link/wire.js';

export const eportPackCommand: Command = {
  name: 'eport pack',
  summary: 'Pack PRD log entries (NDJSON) into ePort frames of at most 900-byte payloads',
  help: [
    'Usage: fleetlog eport pack --input RECORDS.ndjson --output FRAMES.bin [--max-payload 900] [--format packed|compact]',
    '                           [--budget BYTES] [--boot-id HEX] [--encoding binary|z85|base64]',
    '',
    'Reads one PRD entry per line ({"timestamp","machine_id","level","component","message","context"}) and writes the',
    'frames the device would send on the serial line. Prints {"records","frames","payload_bytes","lossless"}.',
    '',
    'Options:',
    '  --input FILE        NDJSON of PRD entries',
    '  --output FILE       frames file to write',
    `  --max-payload N     bytes per payload (default ${DEFAULT_MAX_PAYLOAD_BYTES}, at least ${MIN_MAX_PAYLOAD_BYTES})`,
    '  --format F          packed (default; lossless, deflate + dictionary) or compact (PRD text lines, lossy)',
    '  --budget BYTES      cap on all payload bytes: aggregate, then cut (both counted in the frames)',
    '  --boot-id HEX       boot/session id written into the frames (default 1)',
    '  --encoding E        wire encoding: binary (COBS, default), z85 or base64',
    '',
    'Example: fleetlog eport pack --input day.ndjson --output day.bin',
  ].join('\n'),
  async run(args: readonly string[], io: CommandIo): Promise<number> {
    const values = parseCommandArgs('eport pack', args, {
      input: { type: 'string' }, output: { type: 'string' }, 'max-payload': { type: 'string' }, format: { type: 'string' },
      budget: { type: 'string' }, 'boot-id': { type: 'string' }, encoding: { type: 'string' },
    }, io);
    if (values === undefined) return 2;
    const problems: string[] = [];
    if (values.input === undefined) problems.push('--input is required');
    if (values.output === undefined) problems.push('--output is required');
    const maxPayloadBytes = Number(values['max-payload'] ?? DEFAULT_MAX_PAYLOAD_BYTES);
    if (!Number.isInteger(maxPayloadBytes) || maxPayloadBytes < MIN_MAX_PAYLOAD_BYTES || maxPayloadBytes > 65_535) {
      problems.push(`--max-payload must be an integer from ${MIN_MAX_PAYLOAD_BYTES} to 65535`);
    }
    const format = (values.format ?? 'packed') as PackFormat;
    if (format !== 'packed' && format !== 'compact') problems.push('--format must be packed or compact');
    const budget = values.budget === undefined ? undefined : Number(values.budget);
    if (budget !== undefined && (!Number.isInteger(budget) || budget < 0)) problems.push('--budget must be a whole number of bytes');
    const bootId = parseInt(values['boot-id'] ?? '1', 16);
    if (!/^[0-9a-fA-F]{1,8}$/.test(values['boot-id'] ?? '1')) problems.push('--boot-id must be 1–8 hex digits');
    const encoding = (values.encoding ?? 'binary') as WireEncoding;
    if (!WIRE_ENCODINGS.includes(encoding)) problems.push('--encoding must be binary, z85 or base64');
    if (problems.length > 0) {
      io.stderr.write(problems.map((p) => `eport pack: ${p}\n`).join(''));
      return 2;
    }
    let text: string;
    try {
      text = await readFile(resolve(io.cwd, values.input!), 'utf8');
    } catch (error) {
      io.stderr.write(`eport pack: cannot read ${values.input}: ${(error as Error).message}\n`);
      return 1;
    }
    const events: EportEvent[] = [];
    const errors: string[] = [];
    text.split('\n').forEach((line, i) => {
      if (line.trim() === '') return;
      try {
        events.push(eventFromEntry(JSON.parse(line)));
      } catch (error) {
        errors.push(`${values.input}:${i + 1}: ${error instanceof EntryError || error instanceof SyntaxError ? error.message : String(error)}`);
      }
    });
    if (errors.length > 0) {
      io.stderr.write(errors.slice(0, 20).map((e) => `eport pack: ${e}\n`).join(''));
      if (errors.length > 20) io.stderr.write(`eport pack: … and ${errors.length - 20} more\n`);
      return 1;
    }
    let result;
    try {
      result = pack(events, { format, maxPayloadBytes, maxTotalBytes: budget, bootId, firstSequence: 0 });
    } catch (error) {
      io.stderr.write(`eport pack: ${(error as Error).message}\n`);
      return 1;
    }
    await writeFile(resolve(io.cwd, values.output!), framesFile(result.payloads, bootId, 0, encoding));
    const summary: Record<string, unknown> = { records: result.records, frames: result.payloads.length, payload_bytes: result.payloadBytes, lossless: result.lossless };
    if (!result.lossless) Object.assign(summary, { aggregated: result.loss.aggregatedRecords, cut: result.loss.cutRecords, shortened: result.loss.shortenedRecords });
    io.stdout.write(`${JSON.stringify(summary)}\n`);
    return 0;
  },
};

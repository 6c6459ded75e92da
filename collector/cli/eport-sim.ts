// `fleetlog eport-sim`: the ePort device simulator on a serial port, writing accepted payloads to a drop folder.
import { resolve } from 'node:path';
import { parseCommandArgs } from './cli-options.js';
import type { Command, CommandIo } from './command.js';
import { runSimulator } from '../../eport/sim/simulator.js';
import { WIRE_ENCODINGS, type WireEncoding } from '../../eport/link/wire.js';

function probability(value: string | undefined, name: string, problems: string[]): number {
  const p = Number(value ?? 0);
  if (!Number.isFinite(p) || p < 0 || p > 1) problems.push(`${name} must be a probability from 0 to 1`);
  return p;
}

export const eportSimCommand: Command = {
  name: 'eport-sim',
  summary: 'Simulate the ePort card reader on a serial port: ACK frames, write payloads to a drop folder',
  help: [
    'Usage: fleetlog eport-sim --port PATH --out DIR [--baud 9600] [--encoding binary|z85|base64]',
    '                          [--corrupt P] [--drop-ack P] [--delay-ms N] [--close-after N] [--seed N]',
    '',
    'Plays the device end of the ePort link: decodes frames, ACKs/NAKs them, and writes each accepted payload',
    'to DIR as <machine>_<boot id>_<sequence>.eport (as the USAT server forwards it). Prints JSON lines:',
    'ready, one per payload, and a summary when it stops (SIGTERM/SIGINT, --close-after, or the port closing).',
    '',
    'Fault injection:',
    '  --corrupt P       damage one byte of a received frame with probability P (the frame is NAKed)',
    '  --drop-ack P      do not send an ACK with probability P (the device retransmits; dedup keeps one copy)',
    '  --delay-ms N      hold every ACK back N ms',
    '  --close-after N   close the port after N new payloads and exit',
    '  --seed N          seed of the fault dice',
    '',
    'Example: socat -d -d pty,raw,echo=0 pty,raw,echo=0   # prints two /dev/pts paths',
    '         fleetlog eport-sim --port /dev/pts/4 --out ./drop --corrupt 0.1 --drop-ack 0.05',
  ].join('\n'),
  async run(args: readonly string[], io: CommandIo): Promise<number> {
    const values = parseCommandArgs('eport-sim', args, {
      port: { type: 'string' }, out: { type: 'string' }, baud: { type: 'string' }, encoding: { type: 'string' },
      corrupt: { type: 'string' }, 'drop-ack': { type: 'string' }, 'delay-ms': { type: 'string' },
      'close-after': { type: 'string' }, seed: { type: 'string' },
    }, io);
    if (values === undefined) return 2;
    const problems: string[] = [];
    if (values.port === undefined) problems.push('--port is required');
    if (values.out === undefined) problems.push('--out is required');
    const baudRate = Number(values.baud ?? 9600);
    if (!Number.isInteger(baudRate) || baudRate <= 0) problems.push('--baud must be a positive integer');
    const encoding = (values.encoding ?? 'binary') as WireEncoding;
    if (!WIRE_ENCODINGS.includes(encoding)) problems.push('--encoding must be binary, z85 or base64');
    const corruptProbability = probability(values.corrupt, '--corrupt', problems);
    const dropAckProbability = probability(values['drop-ack'], '--drop-ack', problems);
    const ackDelayMs = Number(values['delay-ms'] ?? 0);
    if (!Number.isInteger(ackDelayMs) || ackDelayMs < 0) problems.push('--delay-ms must be a whole number');
    const closeAfter = values['close-after'] === undefined ? undefined : Number(values['close-after']);
    if (closeAfter !== undefined && (!Number.isInteger(closeAfter) || closeAfter < 1)) problems.push('--close-after must be a positive integer');
    const seed = Number(values.seed ?? Date.now() % 2 ** 31);
    if (problems.length > 0) {
      io.stderr.write(problems.map((p) => `eport-sim: ${p}\n`).join(''));
      return 2;
    }
    try {
      const summary = await runSimulator({
        portPath: values.port!, baudRate, outDir: resolve(io.cwd, values.out!), encoding,
        faults: { corruptProbability, dropAckProbability, ackDelayMs, seed },
        closeAfterPayloads: closeAfter, signal: io.signal, log: (line) => io.stdout.write(`${line}\n`),
      });
      io.stdout.write(`${JSON.stringify({ event: 'summary', ...summary })}\n`);
      return 0;
    } catch (error) {
      io.stderr.write(`eport-sim: ${(error as Error).message}\n`);
      return 1;
    }
  },
};

// The ePort side, simulated: opens a serial port (a real one or one end of a pty pair), speaks the link protocol
// (ACK/NAK, dedup), and writes each accepted payload into a drop folder as the USAT server's FTP forwarding would.
// Faults on request: damaged frames, lost ACKs, late ACKs, and closing the port after N payloads.
import { SerialPort } from 'serialport';
import { LinkReceiver } from '../link/receiver.js';
import { portFromStream } from '../link/port.js';
import type { WireEncoding } from '../link/wire.js';
import { DropFolder } from './drop-folder.js';
import { createFaults, type FaultCounts, type FaultOptions } from './faults.js';

export interface SimulatorOptions {
  portPath: string;
  baudRate?: number;
  outDir: string;
  encoding?: WireEncoding;
  maxPayloadBytes?: number;
  faults?: FaultOptions;
  /** Close the port and stop after this many new payloads (the "close the port" fault). */
  closeAfterPayloads?: number;
  signal?: AbortSignal;
  /** Progress lines (JSON) for operators and tests. */
  log?: (line: string) => void;
}

export interface SimulatorSummary {
  payloadsWritten: number;
  duplicates: number;
  framesRejected: number;
  acksSent: number;
  naksSent: number;
  faults: FaultCounts;
  stoppedBy: 'signal' | 'close-after' | 'port-closed';
}

export async function runSimulator(options: SimulatorOptions): Promise<SimulatorSummary> {
  const log = options.log ?? (() => undefined);
  const drop = new DropFolder(options.outDir);
  await drop.init();
  const encoding = options.encoding ?? 'binary';
  const { faults, counts } = createFaults({ ...options.faults, delimiter: encoding === 'binary' ? 0x00 : 0x0a });
  const serial = new SerialPort({ path: options.portPath, baudRate: options.baudRate ?? 9600, autoOpen: false });
  await new Promise<void>((resolve, reject) => serial.open((error) => (error ? reject(error) : resolve())));
  let written = 0, duplicates = 0;
  let stop!: (why: SimulatorSummary['stoppedBy']) => void;
  const stopped = new Promise<SimulatorSummary['stoppedBy']>((resolve) => { stop = resolve; });
  const receiver = new LinkReceiver(portFromStream(serial), {
    encoding,
    maxPayloadBytes: options.maxPayloadBytes ?? 1024,
    faults,
    onReject: (reason) => log(JSON.stringify({ event: 'reject', code: 'FLEETLOG_ERR_EPORT_FRAME', reason })),
    accept: async (p) => {
      if (await drop.write(p.payload, p.bootId, p.sequence)) {
        written += 1;
        log(JSON.stringify({ event: 'payload', boot_id: p.bootId, sequence: p.sequence, bytes: p.payload.length }));
        if (options.closeAfterPayloads !== undefined && written >= options.closeAfterPayloads) setImmediate(() => stop('close-after'));
      } else {
        duplicates += 1;
      }
    },
  });
  serial.on('close', () => stop('port-closed'));
  serial.on('error', (error) => log(JSON.stringify({ event: 'error', message: error.message })));
  const onAbort = (): void => stop('signal');
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) stop('signal');
  log(JSON.stringify({ event: 'ready', port: options.portPath, out: options.outDir }));
  const stoppedBy = await stopped;
  options.signal?.removeEventListener('abort', onAbort);
  if (stoppedBy !== 'close-after') await receiver.idle();
  receiver.close();
  if (serial.isOpen) await new Promise<void>((resolve) => serial.close(() => resolve()));
  return {
    payloadsWritten: written, duplicates: duplicates + receiver.stats.duplicates, framesRejected: receiver.stats.rejected, acksSent: receiver.stats.acksSent,
    naksSent: receiver.stats.naksSent, faults: counts, stoppedBy,
  };
}

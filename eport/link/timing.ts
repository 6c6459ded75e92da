// Timeouts derived from the line rate: a byte on the wire is start + data + parity + stop bits.

export type Parity = 'none' | 'even' | 'odd' | 'mark' | 'space';

export interface LineSettings {
  baudRate: number;
  dataBits?: 5 | 6 | 7 | 8;
  parity?: Parity;
  stopBits?: 1 | 1.5 | 2;
}

export function bitsPerByte(line: LineSettings): number {
  return 1 + (line.dataBits ?? 8) + ((line.parity ?? 'none') === 'none' ? 0 : 1) + (line.stopBits ?? 1);
}

/** Milliseconds to put `bytes` on the wire. */
export function transmitMs(bytes: number, line: LineSettings): number {
  return (bytes * bitsPerByte(line) * 1000) / line.baudRate;
}

/**
 * How long to wait for the ACK of a frame of `frameWireBytes`: twice its transmit time (it may still be leaving
 * the UART buffers) + the ACK's own transmit time + the device's processing allowance.
 */
export function ackTimeoutMs(frameWireBytes: number, ackWireBytes: number, line: LineSettings, processingMs: number): number {
  return Math.ceil(2 * transmitMs(frameWireBytes, line) + transmitMs(ackWireBytes, line) + processingMs);
}

// What the link needs from a serial port: write bytes, hear bytes. A `serialport` SerialPort, a socket or any
// Duplex stream fits through portFromStream().
import type { Duplex } from 'node:stream';

export interface LinkPort {
  /** Resolves once the bytes are handed to the OS. */
  write(data: Buffer): Promise<void>;
  /** Calls listener with every received chunk; returns the unsubscribe function. */
  onData(listener: (chunk: Buffer) => void): () => void;
}

export function portFromStream(stream: Duplex): LinkPort {
  return {
    write: (data) => new Promise<void>((resolve, reject) => {
      stream.write(data, (error) => (error ? reject(error) : resolve()));
    }),
    onData: (listener) => {
      stream.on('data', listener);
      return () => stream.off('data', listener);
    },
  };
}

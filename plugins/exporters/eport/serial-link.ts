// The serial port under the link: opened in the background, reopened on the next send after it closed.
// serialport (and its native binding, ~16 MiB RSS) is imported only when a port is opened, so a collector without
// an eport exporter does not carry it.
import type { LinkPort } from '../../../eport/link/port.js';
import { portFromStream } from '../../../eport/link/port.js';
import type { EportExporterOptions } from './config.js';

export interface OpenLink {
  readonly port: LinkPort;
  readonly isOpen: () => boolean;
  close(): Promise<void>;
}

export type OpenSerial = (options: EportExporterOptions) => Promise<OpenLink>;

export const openSerial: OpenSerial = async (options) => {
  const { SerialPort } = await import('serialport');
  const serial = new SerialPort({
    path: options.path, baudRate: options.baudRate, dataBits: options.dataBits, parity: options.parity,
    stopBits: options.stopBits, autoOpen: false,
  });
  await new Promise<void>((resolve, reject) => serial.open((error) => (error ? reject(error) : resolve())));
  serial.on('error', () => undefined); // surfaced through failed writes and 'close'
  return {
    port: portFromStream(serial),
    isOpen: () => serial.isOpen,
    close: () => new Promise<void>((resolve) => {
      if (!serial.isOpen) return resolve();
      serial.close(() => resolve());
    }),
  };
};

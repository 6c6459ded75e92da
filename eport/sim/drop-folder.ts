// The USAT server's FTP forwarding, as the simulator plays it: each accepted payload becomes one file in a drop
// folder, named `<machine>_<boot id hex>_<sequence>.eport`, written atomically (temp file, fsync, rename), so a
// reader never sees half a file. The name is also the simulator's persistent duplicate check.
import { stat, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeCheckpoint } from '../../collector/delivery/checkpoint-file.js';
import { PACKED_MAGIC, MAX_MACHINE_BYTES } from '../packer/payload.js';

/** Whether a drop file is there: its name alone is the duplicate check (the simulator's, and the backend's in processed/). */
export async function dropFileExists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

export const DROP_FILE_SUFFIX = '.eport';
const NAME = /^(.+)_([0-9a-f]{8})_(\d{10})\.eport$/;

/** The machine id a payload names (packed header or compact meta/first line); 'unknown' if unreadable. */
export function machineOfPayload(payload: Buffer): string {
  if (payload[0] === PACKED_MAGIC) {
    const len = payload[11] ?? 0;
    if (len > 0 && len <= MAX_MACHINE_BYTES && payload.length >= 12 + len) return payload.subarray(12, 12 + len).toString('utf8');
    return 'unknown';
  }
  const text = payload.subarray(0, 200).toString('utf8');
  const meta = /^#fleetlog v1 .*?machine=(\S+)/.exec(text);
  if (meta) return meta[1]!;
  const first = text.split('\n').find((l) => l !== '' && !l.startsWith('#'));
  return first?.split('|')[0] || 'unknown';
}

function safe(machine: string): string {
  return machine.replace(/[^A-Za-z0-9.-]/g, '-').slice(0, 64) || 'unknown';
}

export function dropFileName(machine: string, bootId: number, sequence: number): string {
  return `${safe(machine)}_${(bootId >>> 0).toString(16).padStart(8, '0')}_${String(sequence >>> 0).padStart(10, '0')}${DROP_FILE_SUFFIX}`;
}

export function parseDropFileName(name: string): { machine: string; bootId: number; sequence: number } | undefined {
  const m = NAME.exec(name);
  if (!m) return undefined;
  return { machine: m[1]!, bootId: parseInt(m[2]!, 16), sequence: Number(m[3]) };
}

export class DropFolder {
  readonly directory: string;
  readonly #names = new Map<string, string>();

  constructor(directory: string) {
    this.directory = directory;
  }

  async init(): Promise<void> {
    await mkdir(this.directory, { recursive: true });
  }

  /** Writes the payload; false if a file for this (machine, boot id, sequence) is already there. */
  async write(payload: Buffer, bootId: number, sequence: number): Promise<boolean> {
    const name = dropFileName(machineOfPayload(payload), bootId, sequence);
    const path = join(this.directory, name);
    if (await dropFileExists(path)) return false;
    await writeCheckpoint(path, payload); // temp file, fsync, rename, fsync of the folder
    this.#names.set(`${bootId}:${sequence}`, name);
    return true;
  }

  /** True if this (boot id, sequence) was written (by this or an earlier run, any machine). */
  async has(bootId: number, sequence: number, payload?: Buffer): Promise<boolean> {
    if (this.#names.has(`${bootId}:${sequence}`)) return true;
    if (payload === undefined) return false;
    return dropFileExists(join(this.directory, dropFileName(machineOfPayload(payload), bootId, sequence)));
  }
}

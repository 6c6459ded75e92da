// The device's boot id: the kernel's (it changes on every boot), or a per-process id where there is none. Read once;
// the host stamps it on every record and the heartbeat reports it.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';

export function readBootId(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return `process-${randomUUID()}`;
  }
}

export const BOOT_ID = readBootId();

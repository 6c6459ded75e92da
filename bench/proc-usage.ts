// CPU and memory of another process, read from Linux's /proc (what the collector benches measure a child by).
import { readFileSync } from 'node:fs';

const CLOCK_TICKS_PER_SECOND = 100; // getconf CLK_TCK on Linux

/** CPU seconds the process has used so far, user and system apart (utime, stime: fields 14, 15 of /proc/<pid>/stat). */
export function cpuSplitSeconds(pid: number): { user: number; system: number } {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return { user: Number(fields[11]) / CLOCK_TICKS_PER_SECOND, system: Number(fields[12]) / CLOCK_TICKS_PER_SECOND };
}

/** CPU seconds (user + system) the process has used so far. */
export function cpuSeconds(pid: number): number {
  const { user, system } = cpuSplitSeconds(pid);
  return user + system;
}

/** Resident memory now (VmRSS) or at its peak (VmHWM), in MiB. */
export function memoryMiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? 0) / 1024;
}

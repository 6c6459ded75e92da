// The durability lint (`fleetlog validate`): settings that are valid but can lose data. Warnings, not errors —
// a site may accept the risk on purpose — each with the YAML path it is about.
import { readFileSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { parseBytes, parseDurationMs } from '../config/units.js';
import type { DeliveryYaml } from './config.js';

export interface DurabilityWarning {
  path: string[];
  message: string;
}

export interface DurabilityLintInput {
  /**
   * `local`: the exporter's factory defaults to `queue.mode: direct` (its `hostDefaults`), i.e. it declares itself a
   * local durable destination; direct mode on any other exporter is flagged.
   */
  exporters: Record<string, { queue?: DeliveryYaml['queue']; retry?: DeliveryYaml['retry']; local?: boolean }>;
  storageDirectory: string;
  /** /proc/mounts text (read from the system when omitted; tests pass their own). */
  mountsText?: string;
}

/** fsync intervals above this can lose more than a second of logs on power loss. */
export const LONG_FSYNC_INTERVAL_MS = 1_000;
/** Queues below this fill within minutes when the uplink is down. */
export const TINY_QUEUE_BYTES = 1024 * 1024;
const VOLATILE_FILESYSTEMS = new Set(['tmpfs', 'ramfs', 'devtmpfs']);

function safely<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}

/** The filesystem type of the mount holding `path` (longest mount-point prefix), from /proc/mounts text. */
export function filesystemTypeOf(path: string, mountsText: string): string | undefined {
  const target = resolve(path);
  let best: { point: string; type: string } | undefined;
  for (const line of mountsText.split('\n')) {
    const fields = line.split(' ');
    if (fields.length < 3) continue;
    const point = fields[1]!.replace(/\\040/g, ' ');
    const inside = point === '/' || target === point || target.startsWith(point.endsWith(sep) ? point : point + sep);
    if (inside && (best === undefined || point.length >= best.point.length)) best = { point, type: fields[2]! };
  }
  return best?.type;
}

export function lintDurability(input: DurabilityLintInput): DurabilityWarning[] {
  const warnings: DurabilityWarning[] = [];
  const mounts = input.mountsText ?? safely(() => readFileSync('/proc/mounts', 'utf8'));
  if (mounts !== undefined) {
    const type = filesystemTypeOf(input.storageDirectory, mounts);
    if (type !== undefined && VOLATILE_FILESYSTEMS.has(type)) {
      warnings.push({
        path: ['service', 'storage', 'directory'],
        message: `The state folder ${input.storageDirectory} is on ${type}: queues and checkpoints vanish on reboot. Put it on persistent storage.`,
      });
    }
  }
  for (const [id, exporter] of Object.entries(input.exporters)) {
    const at = (...keys: string[]): string[] => ['exporters', id, ...keys];
    const queue = exporter.queue ?? {};
    const retry = exporter.retry ?? {};
    if (queue.enabled === false) {
      warnings.push({ path: at('queue', 'enabled'), message: 'The queue is in memory only: a crash or power cut loses every record not yet sent.' });
    } else {
      if (queue.mode === 'direct' && exporter.local !== true) {
        warnings.push({ path: at('queue', 'mode'), message: 'queue.mode: direct on an exporter that is not a local durable destination: while it is unreachable nothing is queued — the receivers are held back (their sources must keep the data, e.g. a log file until it rotates away).' });
      }
      if (queue.fsync === 'interval') {
        const intervalMs = safely(() => parseDurationMs(queue.fsync_interval ?? LONG_FSYNC_INTERVAL_MS)) ?? 0;
        if (intervalMs > LONG_FSYNC_INTERVAL_MS) {
          warnings.push({ path: at('queue', 'fsync_interval'), message: `fsync: interval of ${intervalMs} ms: a power cut can lose up to that much acknowledged data (receivers have already moved their checkpoints). Use fsync: batch, or an interval of 1s or less.` });
        }
      }
      const maxBytes = queue.max_bytes === undefined ? undefined : safely(() => parseBytes(queue.max_bytes!));
      if (maxBytes !== undefined && maxBytes < TINY_QUEUE_BYTES) {
        warnings.push({ path: at('queue', 'max_bytes'), message: `A queue of ${maxBytes} bytes fills within minutes while the destination is down; then receivers are blocked${queue.full_policy === 'drop_lowest_severity' ? ' or records evicted' : ''}.` });
      }
      const minFree = queue.min_free_bytes === undefined ? undefined : safely(() => parseBytes(queue.min_free_bytes!));
      if (minFree === 0) {
        warnings.push({ path: at('queue', 'min_free_bytes'), message: 'No free-space headroom: the queue may fill the filesystem, and then other state (checkpoints) cannot be written.' });
      }
    }
    if (queue.full_policy === 'drop_lowest_severity') {
      warnings.push({ path: at('queue', 'full_policy'), message: 'drop_lowest_severity evicts queued DEBUG/INFO, then WARN records when the queue is full (ERROR and CRITICAL are kept; evictions are counted).' });
    }
    const maxElapsedMs = retry.max_elapsed === undefined ? 0 : (safely(() => parseDurationMs(retry.max_elapsed!)) ?? 0);
    if (maxElapsedMs > 0) {
      warnings.push({ path: at('retry', 'max_elapsed'), message: `retry.max_elapsed (${maxElapsedMs} ms) gives up on a batch during an outage longer than that and moves it to the dead letters. Leave it unset to retry for ever.` });
    }
  }
  return warnings;
}

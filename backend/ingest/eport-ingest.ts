// Forwarded ePort payloads (packed or compact) → records of the shared model → storeRecords with source `eport`.
// De-duplication on (machine, boot id, sequence): a payload seen before is answered `duplicate` and not stored
// again; each record also gets a stable record id `eport:<machine>:<boot>:<seq>:<index>`, so even a payload
// re-ingested after a crash (or by a second backend) is stored once by the store's own de-duplication.
// A lossy payload (aggregated or cut by the device's byte budget) adds one WARN record saying so.
import { createHash } from 'node:crypto';
import { RESOURCE_DEVICE_ID, SEVERITY, msToUnixNano, type LogRecord } from '../../collector/component/log-record.js';
import { recordFromEvent } from '../../eport/packer/event.js';
import { unpack } from '../../eport/packer/unpack.js';
import type { PayloadMeta } from '../../eport/packer/payload.js';
import { storeRecords, type StoreRecordsDeps } from './store-records.js';
import { ATTR_BOOT_ID, ATTR_SEQ } from './to-log-row.js';

export const EPORT_SOURCE = 'eport';

export type EportIngestResult =
  | { outcome: 'stored'; machine: string; key: string; accepted: number; rejected: number }
  | { outcome: 'duplicate'; machine: string; key: string }
  | { outcome: 'rejected'; reason: string };

export interface EportIngestOptions {
  receivedAtMs: number;
  /** The (boot id, sequence) from a drop-file name, for compact payloads without a meta line. */
  fallbackId?: { bootId: number; sequence: number };
  /** Only this machine may be named by the payload (device-key auth); undefined = any (bridge). */
  machine?: string;
}

function hex8(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}

/** The de-duplication key of a payload: machine + boot id + sequence, or machine + content hash. */
export function payloadKey(meta: PayloadMeta, payload: Uint8Array, fallback?: { bootId: number; sequence: number }): string {
  const bootId = meta.bootId ?? fallback?.bootId;
  const sequence = meta.sequence ?? fallback?.sequence;
  if (bootId !== undefined && sequence !== undefined) return `${meta.machine}:${hex8(bootId)}:${sequence}`;
  return `${meta.machine}:h${createHash('sha256').update(payload).digest('hex').slice(0, 24)}`;
}

export class EportIngest {
  readonly #deps: StoreRecordsDeps;
  readonly #seen = new Set<string>();
  readonly #maxSeen: number;
  readonly stats = { payloads: 0, duplicates: 0, rejected: 0, records: 0, lossyPayloads: 0 };

  constructor(deps: StoreRecordsDeps, options: { maxSeen?: number } = {}) {
    this.#deps = deps;
    this.#maxSeen = options.maxSeen ?? 100_000;
  }

  async ingest(payload: Uint8Array, given: EportIngestOptions): Promise<EportIngestResult> {
    const options = { ...given, receivedAtMs: Math.floor(given.receivedAtMs) };
    const unpacked = unpack(payload, options.receivedAtMs);
    if (!unpacked.ok) {
      this.stats.rejected += 1;
      return { outcome: 'rejected', reason: unpacked.reason };
    }
    const { meta, events } = unpacked;
    if (!/^[\w.:-]{1,128}$/.test(meta.machine)) {
      this.stats.rejected += 1;
      return { outcome: 'rejected', reason: `machine id ${JSON.stringify(meta.machine.slice(0, 40))} is not a valid machine id` };
    }
    if (events.some((e) => e.machine !== meta.machine)) {
      this.stats.rejected += 1;
      return { outcome: 'rejected', reason: `lines name machines other than ${meta.machine}` };
    }
    if (options.machine !== undefined && options.machine !== meta.machine) {
      this.stats.rejected += 1;
      return { outcome: 'rejected', reason: `the payload is from machine ${meta.machine}, the key belongs to ${options.machine}` };
    }
    const key = payloadKey(meta, payload, options.fallbackId);
    if (this.#seen.has(key)) {
      this.stats.duplicates += 1;
      return { outcome: 'duplicate', machine: meta.machine, key };
    }
    const bootId = meta.bootId ?? options.fallbackId?.bootId;
    const sequence = meta.sequence ?? options.fallbackId?.sequence;
    const records: LogRecord[] = events.map((event, index) => {
      const record = recordFromEvent(event, options.receivedAtMs);
      record.recordId = `eport:${key}:${index}`;
      if (bootId !== undefined) record.bootId = hex8(bootId);
      if (sequence !== undefined) record.attributes[ATTR_SEQ] = sequence;
      if (bootId !== undefined) record.attributes[ATTR_BOOT_ID] = hex8(bootId);
      return record;
    });
    const lost = meta.aggregatedRecords + meta.cutRecords + meta.shortenedRecords;
    if (lost > 0) {
      this.stats.lossyPayloads += 1;
      records.push({
        timeUnixNano: events.length > 0 ? msToUnixNano(Math.max(...events.map((e) => e.lastTimeMs ?? e.timeMs))) : msToUnixNano(options.receivedAtMs),
        observedTimeUnixNano: msToUnixNano(options.receivedAtMs),
        severityNumber: SEVERITY.WARN,
        severityText: 'WARN',
        body: `ePort byte budget: ${meta.aggregatedRecords} records aggregated, ${meta.cutRecords} cut, ${meta.shortenedRecords} shortened on the device`,
        attributes: { component: 'eport', 'eport.aggregated': meta.aggregatedRecords, 'eport.cut': meta.cutRecords, 'eport.shortened': meta.shortenedRecords },
        recordId: `eport:${key}:loss`,
      });
    }
    const result = await storeRecords(this.#deps, {
      machineId: meta.machine,
      batch: { resource: { [RESOURCE_DEVICE_ID]: meta.machine }, records },
      source: EPORT_SOURCE,
      receivedAtMs: options.receivedAtMs,
    });
    this.#seen.add(key);
    if (this.#seen.size > this.#maxSeen) this.#seen.delete(this.#seen.values().next().value!);
    this.stats.payloads += 1;
    this.stats.records += result.accepted;
    return { outcome: 'stored', machine: meta.machine, key, accepted: result.accepted, rejected: result.rejected };
  }
}

// THE seam for every ingest path: `storeRecords(deps, { machineId, batch, source })` stores already-decoded
// records of the shared model (collector/component/log-record.ts) for one machine, with the same checks and the
// same de-duplication as OTLP: a record whose resource or attribute `device.id` names another machine is refused
// (counted, reported), and a record stored twice (same machine + record id, or — without a record id — the same
// time, severity, body, attributes and trace ids) is returned once by every query (ReplacingMergeTree + FINAL).
// The ePort ingest (backend/ingest/eport-*.ts) calls this with source 'eport' and recordId `<bootId>:<seq>`.
// Resolves when the rows are stored; rejects with ApiError (429/503) under storage back-pressure.
import { RESOURCE_DEVICE_ID, RESOURCE_SITE, type LogBatch } from '../../collector/component/log-record.js';
import type { LogRowInsert } from '../store/log-row.js';
import type { InsertBatcher } from './insert-batcher.js';
import { flattenAttributes, toLogRow } from './to-log-row.js';

export interface StoreRecordsDeps {
  readonly batcher: InsertBatcher;
  /** Record times further ahead of the receive time are clamped (default 5 min). */
  readonly maxFutureSkewMs?: number;
  /** Clock (Unix ms), for tests. */
  readonly now?: () => number;
}

export interface StoreRecordsInput {
  /** The machine the caller authenticated (a device key's machine, the ePort payload's machine). */
  readonly machineId: string;
  /** The machine's site, if known from the key/registry; else the resource `site`. */
  readonly site?: string;
  readonly batch: LogBatch;
  /** `otlp_proto`, `otlp_json`, `api_json`, `eport`, … (stored in the `source` column). */
  readonly source: string;
  readonly receivedAtMs?: number;
}

export interface StoreRecordsResult {
  readonly accepted: number;
  readonly rejected: number;
  /** Why records were rejected ('' when none were). */
  readonly message: string;
}

export const DEFAULT_MAX_FUTURE_SKEW_MS = 5 * 60_000;

/** Rows for the accepted records and the count/message of the refused ones (no storage). */
export function recordsToRows(input: StoreRecordsInput, maxFutureSkewMs: number, nowMs: number): { rows: LogRowInsert[]; rejected: number; message: string } {
  const { batch, machineId } = input;
  const resource = flattenAttributes(batch.resource);
  const claimed = resource[RESOURCE_DEVICE_ID];
  if (claimed !== undefined && claimed !== machineId) {
    return {
      rows: [],
      rejected: batch.records.length,
      message: `resource device.id '${claimed}' is not the key's machine '${machineId}'`,
    };
  }
  if (claimed === undefined) resource[RESOURCE_DEVICE_ID] = machineId;
  const ctx = {
    machineId,
    site: input.site || resource[RESOURCE_SITE] || '',
    source: input.source,
    resource,
    receivedAtMs: input.receivedAtMs ?? nowMs,
    maxFutureSkewMs,
  };
  const rows: LogRowInsert[] = [];
  let rejected = 0;
  let forged = '';
  for (const record of batch.records) {
    const recordDevice = record.attributes[RESOURCE_DEVICE_ID];
    if (recordDevice !== undefined && recordDevice !== machineId) {
      rejected += 1;
      forged = String(recordDevice);
      continue;
    }
    rows.push(toLogRow(record, ctx));
  }
  const message = rejected > 0 ? `${rejected} record(s) claim device.id '${forged}', not the key's machine '${machineId}'` : '';
  return { rows, rejected, message };
}

export async function storeRecords(deps: StoreRecordsDeps, input: StoreRecordsInput): Promise<StoreRecordsResult> {
  const now = deps.now ?? Date.now;
  const { rows, rejected, message } = recordsToRows(input, deps.maxFutureSkewMs ?? DEFAULT_MAX_FUTURE_SKEW_MS, now());
  await deps.batcher.add(rows);
  return { accepted: rows.length, rejected, message };
}

// POST /api/logs — the PRD's simple JSON for devices that do not speak OTLP. Same key check, same storage path.
import type { Request, Response } from 'express';
import { ApiError } from '../errors.js';
import type { IngestDeps } from './ingest-deps.js';
import { mediaType, readBody } from './read-body.js';
import { decodeSimpleLogs } from './simple-json-decode.js';
import { storeRecords } from './store-records.js';
import { verifyDevice } from './verify-device.js';

export function simpleLogsHandler(deps: IngestDeps): (req: Request, res: Response) => Promise<void> {
  return async (req, res) => {
    if (mediaType(req) !== 'application/json') {
      req.resume();
      throw new ApiError('FLEETLOG_ERR_UNSUPPORTED_MEDIA_TYPE', `Content-Type '${mediaType(req) || '(none)'}' is not supported: use application/json`);
    }
    const identity = await verifyDevice(req, deps.keys);
    const body = await readBody(req, deps.ingest);
    const now = deps.now();
    const { machineId, batch } = decodeSimpleLogs(body.toString('utf8'), now);
    if (machineId !== identity.machineId) {
      deps.metrics.add('fleetlog_backend_refused_records_total', { reason: 'forged_device_id' }, batch.records.length);
      throw new ApiError('FLEETLOG_ERR_FORBIDDEN', `this key belongs to machine '${identity.machineId}', not '${machineId}'`);
    }
    deps.metrics.add('fleetlog_backend_received_records_total', { source: 'api_json' }, batch.records.length);
    const result = await storeRecords(
      { batcher: deps.batcher, maxFutureSkewMs: deps.ingest.maxFutureSkewMs, now: deps.now },
      { machineId, site: identity.site, batch, source: 'api_json', receivedAtMs: now });
    deps.metrics.add('fleetlog_backend_accepted_records_total', { source: 'api_json' }, result.accepted);
    res.status(200).json({ accepted: result.accepted, rejected: result.rejected, ...(result.message ? { message: result.message } : {}) });
  };
}

// POST /v1/logs — OTLP/HTTP logs, protobuf or JSON, optionally gzip. Answers as the OTLP/HTTP spec says:
// 200 + ExportLogsServiceResponse (partial_success when records were refused), 400 + Status for malformed
// payloads, 401 for keys, 413/415, 429/503 + Retry-After under storage back-pressure. Errors carry the stable
// fleetlog code (JSON: `error.code`; protobuf: header `X-Fleetlog-Error-Code` and the Status message).
import type { Request, Response } from 'express';
import type { LogBatch } from '../../collector/component/log-record.js';
import { ApiError, isApiError } from '../errors.js';
import type { LogRowInsert } from '../store/log-row.js';
import type { IngestDeps } from './ingest-deps.js';
import { decodeOtlpLogsJson } from './otlp-json-decode.js';
import { decodeOtlpLogsProto } from './otlp-proto-decode.js';
import { encodeExportResponseProto, encodeStatusProto, exportResponseJson, grpcCodeForHttp } from './otlp-response.js';
import { ProtobufError } from './protobuf-reader.js';
import { mediaType, readBody } from './read-body.js';
import { DEFAULT_MAX_FUTURE_SKEW_MS, recordsToRows } from './store-records.js';
import { verifyDevice } from './verify-device.js';

const PROTO_TYPES = new Set(['application/x-protobuf', 'application/protobuf']);

export function otlpLogsHandler(deps: IngestDeps): (req: Request, res: Response) => Promise<void> {
  return async (req, res) => {
    const type = mediaType(req);
    const proto = PROTO_TYPES.has(type);
    let decoded = 0;
    try {
      if (!proto && type !== 'application/json') {
        req.resume();
        throw new ApiError('FLEETLOG_ERR_UNSUPPORTED_MEDIA_TYPE', `Content-Type '${type || '(none)'}' is not supported: use application/x-protobuf or application/json`);
      }
      const identity = await verifyDevice(req, deps.keys);
      const body = await readBody(req, deps.ingest);
      const source = proto ? 'otlp_proto' : 'otlp_json';
      let batches: LogBatch[];
      try {
        batches = proto ? decodeOtlpLogsProto(body) : decodeOtlpLogsJson(body.toString('utf8'));
      } catch (error) {
        if (error instanceof ProtobufError) throw new ApiError('FLEETLOG_ERR_BAD_REQUEST', `invalid OTLP protobuf: ${error.message}`);
        throw error;
      }
      const receivedAtMs = deps.now();
      const rows: LogRowInsert[] = [];
      let rejected = 0;
      const messages: string[] = [];
      for (const batch of batches) {
        decoded += batch.records.length;
        const result = recordsToRows(
          { machineId: identity.machineId, site: identity.site, batch, source, receivedAtMs },
          deps.ingest.maxFutureSkewMs ?? DEFAULT_MAX_FUTURE_SKEW_MS, receivedAtMs);
        for (const row of result.rows) rows.push(row);
        rejected += result.rejected;
        if (result.message && !messages.includes(result.message)) messages.push(result.message);
      }
      deps.metrics.add('fleetlog_backend_received_records_total', { source }, decoded);
      await deps.batcher.add(rows);
      deps.metrics.add('fleetlog_backend_accepted_records_total', { source }, rows.length);
      if (rejected > 0) deps.metrics.add('fleetlog_backend_refused_records_total', { reason: 'forged_device_id' }, rejected);
      const message = messages.join('; ');
      res.status(200);
      if (proto) res.type('application/x-protobuf').send(encodeExportResponseProto(rejected, message));
      else res.json(exportResponseJson(rejected, message));
    } catch (error) {
      sendOtlpError(res, error, proto, deps, decoded);
    }
  };
}

function sendOtlpError(res: Response, error: unknown, proto: boolean, deps: IngestDeps, decoded: number): void {
  const apiError = isApiError(error) ? error : new ApiError('FLEETLOG_ERR_INTERNAL_API', `unexpected failure: ${(error as Error).message}`, { cause: error });
  if (decoded > 0) {
    const reason = apiError.status === 429 || apiError.status === 503 ? 'backpressure' : 'bad_request';
    deps.metrics.add('fleetlog_backend_refused_records_total', { reason }, decoded);
  }
  if (apiError.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(apiError.retryAfterSeconds));
  res.setHeader('X-Fleetlog-Error-Code', apiError.code);
  res.status(apiError.status);
  const grpc = grpcCodeForHttp(apiError.status);
  if (proto) {
    res.type('application/x-protobuf').send(encodeStatusProto(grpc, `${apiError.code}: ${apiError.message}`));
  } else {
    res.json({ code: grpc, message: apiError.message, error: { code: apiError.code, message: apiError.message } });
  }
}

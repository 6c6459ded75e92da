// The request body: OTLP ExportLogsServiceRequest as protobuf or JSON (by @opentelemetry/otlp-transformer),
// optionally gzipped.
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import { JsonLogsSerializer, ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import type { IExportLogsServiceResponse } from '@opentelemetry/otlp-transformer';
import type { LogBatch } from '../../../collector/component/index.js';
import { toSdkRecords } from './to-sdk-records.js';

const gzip = promisify(gzipCallback);

export interface EncodedRequest {
  body: Buffer;
  headers: Record<string, string>;
}

export async function encodeRequest(batch: LogBatch, encoding: 'protobuf' | 'json', compression: 'gzip' | 'none'): Promise<EncodedRequest> {
  const serializer = encoding === 'protobuf' ? ProtobufLogsSerializer : JsonLogsSerializer;
  const bytes = serializer.serializeRequest(toSdkRecords(batch));
  if (bytes === undefined) throw new Error('the OTLP serializer produced no bytes');
  const raw = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headers: Record<string, string> = { 'content-type': encoding === 'protobuf' ? 'application/x-protobuf' : 'application/json' };
  if (compression === 'none') return { body: raw, headers };
  headers['content-encoding'] = 'gzip';
  return { body: await gzip(raw), headers };
}

/** ExportLogsServiceResponse of a 2xx answer; `{}` when empty or unreadable (then all records count as accepted). */
export function decodeResponse(body: Buffer, contentType: string): IExportLogsServiceResponse {
  if (body.length === 0) return {};
  try {
    if (contentType.includes('json')) return JsonLogsSerializer.deserializeResponse(body);
    return ProtobufLogsSerializer.deserializeResponse(body);
  } catch {
    return {};
  }
}

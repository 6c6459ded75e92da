// The request body: OTLP ExportLogsServiceRequest as protobuf (our direct encoder, protobuf-encoder.ts) or JSON
// (@opentelemetry/otlp-transformer, loaded on the first JSON request only), optionally gzipped.
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import type { LogBatch } from '../../../collector/component/index.js';
import { encodeLogsRequestProto } from './protobuf-encoder.js';

const gzip = promisify(gzipCallback);

export interface EncodedRequest {
  body: Buffer;
  headers: Record<string, string>;
}

type JsonEncoder = (batch: LogBatch) => Uint8Array | undefined;
let jsonEncoder: Promise<JsonEncoder> | undefined;

/** otlp-transformer's JSON serializer over the SDK-record mapping, imported on first use. */
function loadJsonEncoder(): Promise<JsonEncoder> {
  jsonEncoder ??= Promise.all([import('@opentelemetry/otlp-transformer'), import('./to-sdk-records.js')])
    .then(([{ JsonLogsSerializer }, { toSdkRecords }]) => (batch: LogBatch) => JsonLogsSerializer.serializeRequest(toSdkRecords(batch)));
  return jsonEncoder;
}

async function encodeBody(batch: LogBatch, encoding: 'protobuf' | 'json'): Promise<Buffer> {
  if (encoding === 'protobuf') return encodeLogsRequestProto(batch);
  const bytes = (await loadJsonEncoder())(batch);
  if (bytes === undefined) throw new Error('the OTLP serializer produced no bytes');
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export async function encodeRequest(batch: LogBatch, encoding: 'protobuf' | 'json', compression: 'gzip' | 'none'): Promise<EncodedRequest> {
  const raw = await encodeBody(batch, encoding);
  const headers: Record<string, string> = { 'content-type': encoding === 'protobuf' ? 'application/x-protobuf' : 'application/json' };
  if (compression === 'none') return { body: raw, headers };
  headers['content-encoding'] = 'gzip';
  return { body: await gzip(raw), headers };
}

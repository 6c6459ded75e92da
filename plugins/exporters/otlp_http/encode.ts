// The request body: OTLP ExportLogsServiceRequest as protobuf (our direct encoder, protobuf-encoder.ts) or JSON
// (@opentelemetry/otlp-transformer, loaded on the first JSON request only), optionally gzipped — on this thread:
// for a batch's few hundred KB that costs less CPU than handing it to the thread pool (README: "Compression level").
import { gzipSync, type ZlibOptions } from 'node:zlib';
import type { LogBatch } from '../../../collector/component/index.js';
import type { OtlpHttpOptions } from './config.js';
import { encodeLogsRequestProto } from './protobuf-encoder.js';

export type BodyOptions = Pick<OtlpHttpOptions, 'encoding' | 'compression' | 'compressionLevel'>;

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

/** The content headers of every request with these options (computed once per exporter). */
export function bodyHeaders(options: BodyOptions): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': options.encoding === 'protobuf' ? 'application/x-protobuf' : 'application/json' };
  if (options.compression === 'gzip') headers['content-encoding'] = 'gzip';
  return headers;
}

/** Encodes batches into request bodies with fixed options. */
export class BodyEncoder {
  readonly #options: BodyOptions;
  readonly #gzip: ZlibOptions;

  constructor(options: BodyOptions) {
    this.#options = options;
    this.#gzip = { level: options.compressionLevel };
  }

  async encode(batch: LogBatch): Promise<Buffer> {
    const raw = await encodeBody(batch, this.#options.encoding);
    return this.#options.compression === 'gzip' ? gzipSync(raw, this.#gzip) : raw;
  }
}

// The request body: OTLP ExportLogsServiceRequest as protobuf (our direct encoder, protobuf-encoder.ts) or JSON
// (@opentelemetry/otlp-transformer, loaded on the first JSON request only), optionally gzipped — on this thread:
// for a batch's few hundred KB that costs less CPU than handing it to the thread pool (README: "Compression level").
import { gzipSync, type ZlibOptions } from 'node:zlib';
import type { LogBatch } from '../../../collector/component/index.js';
import type { OtlpHttpOptions } from './config.js';
import { encodeLogsRequestInto, encodeLogsRequestProto } from './protobuf-encoder.js';
import { ProtobufWriter } from './protobuf-writer.js';

export type BodyOptions = Pick<OtlpHttpOptions, 'encoding' | 'compression' | 'compressionLevel'>;

type JsonEncoder = (batch: LogBatch) => Uint8Array | undefined;
let jsonEncoder: Promise<JsonEncoder> | undefined;

/** otlp-transformer's JSON serializer over the SDK-record mapping, imported on first use. */
function loadJsonEncoder(): Promise<JsonEncoder> {
  jsonEncoder ??= Promise.all([import('@opentelemetry/otlp-transformer'), import('./to-sdk-records.js')])
    .then(([{ JsonLogsSerializer }, { toSdkRecords }]) => (batch: LogBatch) => JsonLogsSerializer.serializeRequest(toSdkRecords(batch)));
  return jsonEncoder;
}

/** A reused protobuf buffer is kept up to this size (a 1,000-record batch is ≈ 0.2–0.3 MiB). */
const KEEP_BUFFER_BYTES = 4 * 1024 * 1024;

async function encodeJson(batch: LogBatch): Promise<Buffer> {
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

/**
 * Encodes batches into request bodies with fixed options. With gzip, the protobuf is written into one buffer reused
 * from request to request (gzipSync is done with it before encode() returns); without, each body is its own buffer,
 * as the HTTP request holds on to it.
 */
export class BodyEncoder {
  readonly #options: BodyOptions;
  readonly #gzip: ZlibOptions;
  readonly #writer: ProtobufWriter | undefined;

  constructor(options: BodyOptions) {
    this.#options = options;
    this.#gzip = { level: options.compressionLevel };
    if (options.compression === 'gzip' && options.encoding === 'protobuf') this.#writer = new ProtobufWriter();
  }

  async encode(batch: LogBatch): Promise<Buffer> {
    if (this.#writer !== undefined) {
      const body = gzipSync(encodeLogsRequestInto(this.#writer, batch), this.#gzip);
      this.#writer.reset(KEEP_BUFFER_BYTES);
      return body;
    }
    const raw = this.#options.encoding === 'protobuf' ? encodeLogsRequestProto(batch) : await encodeJson(batch);
    return this.#options.compression === 'gzip' ? gzipSync(raw, this.#gzip) : raw;
  }
}

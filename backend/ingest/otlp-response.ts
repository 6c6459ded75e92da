// OTLP/HTTP answers: ExportLogsServiceResponse (partial_success) and google.rpc.Status, as protobuf or JSON,
// matching the request's encoding (OTLP spec, "OTLP/HTTP Response").

function varint(value: number): number[] {
  const out: number[] = [];
  let v = value;
  while (v > 127) {
    out.push((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

function field(number: number, wire: number): number[] {
  return varint(number * 8 + wire);
}

function stringField(number: number, text: string): number[] {
  const bytes = Buffer.from(text, 'utf8');
  return [...field(number, 2), ...varint(bytes.length), ...bytes];
}

/** ExportLogsServiceResponse; empty (all accepted) when rejected is 0. */
export function encodeExportResponseProto(rejected: number, message: string): Buffer {
  if (rejected === 0 && message === '') return Buffer.alloc(0);
  const partial = [...field(1, 0), ...varint(rejected), ...(message ? stringField(2, message) : [])];
  return Buffer.from([...field(1, 2), ...varint(partial.length), ...partial]);
}

export function exportResponseJson(rejected: number, message: string): Record<string, unknown> {
  if (rejected === 0 && message === '') return {};
  return { partialSuccess: { rejectedLogRecords: String(rejected), errorMessage: message } };
}

/** google.rpc.Status with a gRPC code (3 INVALID_ARGUMENT, 8 RESOURCE_EXHAUSTED, 14 UNAVAILABLE, 16 UNAUTHENTICATED …). */
export function encodeStatusProto(code: number, message: string): Buffer {
  return Buffer.from([...field(1, 0), ...varint(code), ...stringField(2, message)]);
}

/** The gRPC status code that goes with an HTTP status in a Status body. */
export function grpcCodeForHttp(status: number): number {
  switch (status) {
    case 400: return 3;
    case 401: return 16;
    case 403: return 7;
    case 404: return 5;
    case 413: return 8;
    case 415: return 3;
    case 429: return 8;
    case 503: return 14;
    default: return 13;
  }
}

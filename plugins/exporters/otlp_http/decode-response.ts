// The ExportLogsServiceResponse of a 2xx answer (collector/logs/v1/logs_service.proto: partial_success = 1 {
// rejected_log_records int64 = 1, error_message string = 2 }), protobuf or OTLP/JSON. Own reader, so that a
// protobuf exporter does not load @opentelemetry/otlp-transformer.

export interface ExportLogsResponse {
  partialSuccess?: { rejectedLogRecords?: number | string; errorMessage?: string };
}

/** ExportLogsServiceResponse of a 2xx answer; `{}` when empty or unreadable (then all records count as accepted). */
export function decodeResponse(body: Buffer, contentType: string): ExportLogsResponse {
  if (body.length === 0) return {};
  try {
    if (contentType.includes('json')) return JSON.parse(body.toString('utf8')) as ExportLogsResponse;
    return decodeResponseProto(body);
  } catch {
    return {};
  }
}

class Reader {
  readonly #buf: Buffer;
  pos: number;
  readonly end: number;

  constructor(buf: Buffer, start: number, end: number) {
    this.#buf = buf;
    this.pos = start;
    this.end = end;
  }

  varint(): number {
    let value = 0;
    for (let shift = 0; shift < 70; shift += 7) {
      if (this.pos >= this.end) throw new Error('truncated varint');
      const byte = this.#buf[this.pos++]!;
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
    throw new Error('varint longer than 10 bytes');
  }

  /** Length of a length-delimited field; returns where it ends. */
  lengthEnd(): number {
    const length = this.varint();
    const end = this.pos + length;
    if (end > this.end) throw new Error('truncated field');
    return end;
  }

  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.pos = this.lengthEnd();
    else if (wire === 5) this.pos += 4;
    else throw new Error(`wire type ${wire}`);
    if (this.pos > this.end) throw new Error('truncated field');
  }

  string(end: number): string {
    const text = this.#buf.toString('utf8', this.pos, end);
    this.pos = end;
    return text;
  }
}

function decodeResponseProto(body: Buffer): ExportLogsResponse {
  const r = new Reader(body, 0, body.length);
  const response: ExportLogsResponse = {};
  while (r.pos < r.end) {
    const tag = r.varint();
    if (tag === ((1 << 3) | 2)) {
      const end = r.lengthEnd();
      const partial: NonNullable<ExportLogsResponse['partialSuccess']> = {};
      const inner = new Reader(body, r.pos, end);
      while (inner.pos < inner.end) {
        const innerTag = inner.varint();
        if (innerTag === ((1 << 3) | 0)) partial.rejectedLogRecords = inner.varint();
        else if (innerTag === ((2 << 3) | 2)) partial.errorMessage = inner.string(inner.lengthEnd());
        else inner.skip(innerTag & 7);
      }
      response.partialSuccess = partial;
      r.pos = end;
    } else r.skip(tag & 7);
  }
  return response;
}

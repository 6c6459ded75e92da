// Consistent Overhead Byte Stuffing (Cheshire & Baker, 1999): removes every 0x00 from a frame so that 0x00 can
// delimit frames on the wire. Overhead ≤ 1 byte per 254 (+1). decode() rejects malformed input with a reason.

export function cobsEncode(data: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(data.length + Math.ceil(data.length / 254) + 1);
  let codeAt = 0;
  let o = 1;
  let code = 1;
  for (let i = 0; i < data.length; i += 1) {
    const b = data[i]!;
    if (b === 0) {
      out[codeAt] = code;
      codeAt = o++;
      code = 1;
      continue;
    }
    out[o++] = b;
    code += 1;
    if (code === 0xff) {
      out[codeAt] = code;
      codeAt = o++;
      code = 1;
    }
  }
  out[codeAt] = code;
  return out.subarray(0, o);
}

export type CobsResult = { ok: true; data: Buffer } | { ok: false; reason: string };

/** Decodes one frame (without its 0x00 delimiter). */
export function cobsDecode(encoded: Uint8Array): CobsResult {
  if (encoded.length === 0) return { ok: false, reason: 'COBS: empty frame' };
  const out = Buffer.allocUnsafe(encoded.length);
  let o = 0;
  let i = 0;
  while (i < encoded.length) {
    const code = encoded[i]!;
    if (code === 0) return { ok: false, reason: `COBS: zero byte inside the frame at ${i}` };
    if (i + code > encoded.length) return { ok: false, reason: `COBS: block of ${code - 1} bytes at ${i} runs past the end` };
    for (let k = 1; k < code; k += 1) {
      const b = encoded[i + k]!;
      if (b === 0) return { ok: false, reason: `COBS: zero byte inside the frame at ${i + k}` };
      out[o++] = b;
    }
    i += code;
    if (code !== 0xff && i < encoded.length) out[o++] = 0;
  }
  return { ok: true, data: Buffer.from(out.subarray(0, o)) };
}

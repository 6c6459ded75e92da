// Text-only channel encodings of a frame: Z85 (ZeroMQ RFC 32, 25 % overhead) or base64 (33 %). One frame per
// line; '\n' is in neither alphabet, so it delimits frames as 0x00 does after COBS.
const Z85 = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#';
const Z85_INDEX = new Int16Array(256).fill(-1);
for (let i = 0; i < Z85.length; i += 1) Z85_INDEX[Z85.charCodeAt(i)] = i;

/** Z85 of the bytes, zero-padded to a multiple of 4 (the frame's length field tells the real end). */
export function z85Encode(data: Uint8Array): string {
  const padded = Buffer.alloc(Math.ceil(data.length / 4) * 4);
  padded.set(data);
  let out = '';
  for (let i = 0; i < padded.length; i += 4) {
    let value = padded.readUInt32BE(i);
    const chars = new Array<string>(5);
    for (let k = 4; k >= 0; k -= 1) {
      chars[k] = Z85[value % 85]!;
      value = Math.floor(value / 85);
    }
    out += chars.join('');
  }
  return out;
}

export type TextDecode = { ok: true; data: Buffer } | { ok: false; reason: string };

export function z85Decode(text: string): TextDecode {
  if (text.length % 5 !== 0) return { ok: false, reason: `Z85: length ${text.length} is not a multiple of 5` };
  const out = Buffer.alloc((text.length / 5) * 4);
  for (let i = 0; i < text.length; i += 5) {
    let value = 0;
    for (let k = 0; k < 5; k += 1) {
      const code = text.charCodeAt(i + k);
      const digit = code < 256 ? Z85_INDEX[code]! : -1;
      if (digit < 0) return { ok: false, reason: `Z85: bad character at ${i + k}` };
      value = value * 85 + digit;
    }
    if (value > 0xffffffff) return { ok: false, reason: `Z85: group at ${i} overflows 32 bits` };
    out.writeUInt32BE(value, (i / 5) * 4);
  }
  return { ok: true, data: out };
}

export function base64Encode(data: Uint8Array): string {
  return Buffer.from(data).toString('base64');
}

export function base64Decode(text: string): TextDecode {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return { ok: false, reason: 'base64: not canonical base64' };
  return { ok: true, data: Buffer.from(text, 'base64') };
}

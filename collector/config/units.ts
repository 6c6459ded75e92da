// Durations and byte sizes in YAML: a number (milliseconds, bytes) or a string with a unit
// (`250ms`, `5s`, `1m`, `1h`, `1d`; `512`, `64KiB`, `10MiB`, `1GiB`, `10MB`). One parser for the whole config.

const DURATION = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/;
const DURATION_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const BYTES = /^\s*(\d+(?:\.\d+)?)\s*(B|KB|KiB|MB|MiB|GB|GiB)?\s*$/;
const BYTE_FACTOR: Readonly<Record<string, number>> = {
  B: 1, KB: 1e3, KiB: 1024, MB: 1e6, MiB: 1024 ** 2, GB: 1e9, GiB: 1024 ** 3,
};

/** JSON Schema fragment for a duration option. */
export const DURATION_SCHEMA = Object.freeze({
  anyOf: [
    { type: 'number', minimum: 0 },
    { type: 'string', pattern: DURATION.source },
  ],
});

/** JSON Schema fragment for a byte-size option. */
export const BYTES_SCHEMA = Object.freeze({
  anyOf: [
    { type: 'integer', minimum: 0 },
    { type: 'string', pattern: BYTES.source },
  ],
});

export type DurationValue = number | string;
export type BytesValue = number | string;

/** Milliseconds of a duration value; throws on a malformed one (the schema rejects those first). */
export function parseDurationMs(value: DurationValue): number {
  if (typeof value === 'number') return value;
  const match = DURATION.exec(value);
  if (!match) throw new Error(`not a duration: ${JSON.stringify(value)} (use e.g. 500ms, 5s, 1m, 1h)`);
  return Math.round(Number(match[1]) * DURATION_MS[match[2]!]!);
}

/** Bytes of a size value; throws on a malformed one (the schema rejects those first). */
export function parseBytes(value: BytesValue): number {
  if (typeof value === 'number') return value;
  const match = BYTES.exec(value);
  if (!match) throw new Error(`not a byte size: ${JSON.stringify(value)} (use e.g. 512, 64KiB, 10MiB)`);
  return Math.round(Number(match[1]) * BYTE_FACTOR[match[2] ?? 'B']!);
}

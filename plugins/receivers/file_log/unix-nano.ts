// Decimal Unix-nanosecond strings built from cached pieces, for the parsers (one per line, so no BigInt and no
// number-to-text conversion of a large number per line): a second's digits, cached by the caller, then these.

/** `ddd000000` for every millisecond, built on first use: a 3-digit fraction's nanoseconds without arithmetic. */
let milliFractions: string[] | undefined;

/** The nine digits of nanoseconds after a whole second for `ms` milliseconds (0–999): `123` → `123000000`. */
export function milliFraction(ms: number): string {
  milliFractions ??= Array.from({ length: 1000 }, (_, i) => `${String(i).padStart(3, '0')}000000`);
  return milliFractions[ms]!;
}

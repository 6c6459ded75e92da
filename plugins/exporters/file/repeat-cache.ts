// Where the previous line's string context entries (`"log.file.path":"/var/log/…"`) were written, so that the
// next line's same key with the same value (a batch's records usually share the file path and name …) is copied
// as bytes instead of escaped and encoded again. Offsets are into one JsonBytes between two resets.
import type { JsonBytes } from '../../../collector/component/index.js';

/** Keys remembered; further string entries of a line are written as usual. */
const MAX_KEYS = 8;
const COLON = 0x3a;

export class RepeatCache {
  readonly #keys: string[] = [];
  readonly #values: string[] = [];
  readonly #starts: number[] = [];
  readonly #lengths: number[] = [];
  #out: JsonBytes | undefined;
  #resets = -1;

  /** Writes `"key":"value"` (JSON), as a copy if the last entry written for `key` had the same value. */
  write(out: JsonBytes, key: string, value: string): void {
    if (out !== this.#out || out.resets !== this.#resets) {
      this.#out = out;
      this.#resets = out.resets;
      this.#keys.length = 0;
    }
    const keys = this.#keys;
    let slot = keys.length;
    for (let i = 0; i < keys.length; i += 1) {
      if (keys[i] === key) {
        if (this.#values[i] === value) {
          out.repeat(this.#starts[i]!, this.#lengths[i]!);
          return;
        }
        slot = i;
        break;
      }
    }
    const start = out.length;
    out.string(key);
    out.byte(COLON);
    out.string(value);
    if (slot < MAX_KEYS) {
      keys[slot] = key;
      this.#values[slot] = value;
      this.#starts[slot] = start;
      this.#lengths[slot] = out.length - start;
    }
  }
}

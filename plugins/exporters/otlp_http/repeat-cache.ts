// Where a record's string attributes were encoded, so that the next record's same key with the same value (a
// batch's records usually share log.file.path, log.file.name, the boot id …) is copied as bytes instead of
// encoded again. Offsets are into one request's buffer; they go stale when the writer moves a message body.
import type { ProtobufWriter } from './protobuf-writer.js';

/** Keys remembered; a record with more string attributes than this encodes the rest as usual. */
const MAX_KEYS = 8;

export class RepeatCache {
  readonly #keys: string[] = [];
  readonly #values: string[] = [];
  readonly #starts: number[] = [];
  readonly #lengths: number[] = [];
  #moves = 0;

  /** Writes the KeyValue `key: value` (field tag byte `tag`) as a copy if the last one for `key` was the same. */
  write(w: ProtobufWriter, tag: number, key: string, value: string): boolean {
    const keys = this.#keys;
    let slot = keys.length;
    for (let i = 0; i < keys.length; i += 1) {
      if (keys[i] === key) {
        if (this.#values[i] === value) {
          w.repeat(this.#starts[i]!, this.#lengths[i]!);
          return true;
        }
        slot = i;
        break;
      }
    }
    const start = w.length;
    if (!w.keyStringValue(tag, key, value)) return false;
    if (slot < MAX_KEYS) {
      keys[slot] = key;
      this.#values[slot] = value;
      this.#starts[slot] = start;
      this.#lengths[slot] = w.length - start;
    }
    return true;
  }

  /** After each record: forgets every offset if the writer has moved bytes since (a record over 16 KiB). */
  check(w: ProtobufWriter): void {
    if (w.moves === this.#moves) return;
    this.#moves = w.moves;
    this.#keys.length = 0;
    this.#values.length = 0;
    this.#starts.length = 0;
    this.#lengths.length = 0;
  }
}

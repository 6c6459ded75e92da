// The deflate preset dictionaries by id. Id 0 means "no dictionary". A frame names the dictionary it was deflated
// with, so a receiver can decode frames from devices with older or newer software as long as it knows the id.
import { createHash } from 'node:crypto';
import { DICTIONARY_V1_BASE64 } from './dictionary-v1.js';

export const NO_DICTIONARY = 0;
/** The dictionary new frames are packed with. */
export const CURRENT_DICTIONARY_ID = 1;

const DICTIONARIES = new Map<number, Buffer>([[1, Buffer.from(DICTIONARY_V1_BASE64, 'base64')]]);

/** SHA-256 of each published dictionary: a test checks them so that nobody edits one in place. */
export const DICTIONARY_SHA256: Readonly<Record<number, string>> = Object.freeze({
  1: '85496513ddffc87f376825985bb68c17e45a62b45aba9d74f11a1aba60dbc7e0',
});

export function dictionary(id: number): Buffer | undefined {
  return DICTIONARIES.get(id);
}

export function dictionaryDigest(id: number): string | undefined {
  const dict = DICTIONARIES.get(id);
  return dict === undefined ? undefined : createHash('sha256').update(dict).digest('hex');
}

// How many lines a (large) output file holds, counted in 1 MiB chunks without decoding it.
import { createReadStream } from 'node:fs';

export async function countLines(path: string): Promise<number> {
  let count = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    const buffer = chunk as Buffer;
    for (let i = buffer.indexOf(10); i !== -1; i = buffer.indexOf(10, i + 1)) count += 1;
  }
  return count;
}

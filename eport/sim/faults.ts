// Fault injection for the device simulator: line noise on received frames, lost ACKs, late ACKs. Seeded, so a
// failing run can be repeated.
import type { ReceiverFaults } from '../link/receiver.js';
import { seededRandom } from '../../collector/testkit/seeded-random.js';

export interface FaultOptions {
  /** Probability that a received frame has one byte damaged before decoding. */
  corruptProbability?: number;
  /** Probability that an ACK is not sent. */
  dropAckProbability?: number;
  /** Milliseconds every ACK is held back. */
  ackDelayMs?: number;
  seed?: number;
  /** 0x00 for the binary wire encoding, 0x0a ('\n') for the text ones. */
  delimiter?: number;
}

export interface FaultCounts {
  corruptedFrames: number;
  droppedAcks: number;
}

export function createFaults(options: FaultOptions): { faults: ReceiverFaults; counts: FaultCounts } {
  const random = seededRandom(options.seed ?? 1);
  const delimiter = options.delimiter ?? 0x00;
  const counts: FaultCounts = { corruptedFrames: 0, droppedAcks: 0 };
  let pending: Buffer[] = [];
  const corrupt = options.corruptProbability ?? 0;
  const faults: ReceiverFaults = {
    incoming(chunk) {
      if (corrupt <= 0) return chunk;
      // hold bytes back until a delimiter so that each frame can be damaged (or not) as a whole
      const out: Buffer[] = [];
      let data = chunk;
      for (;;) {
        const at = data.indexOf(delimiter);
        if (at < 0) {
          if (data.length > 0) pending.push(Buffer.from(data));
          break;
        }
        const segment = Buffer.concat([...pending, data.subarray(0, at)]);
        pending = [];
        if (segment.length > 0 && random() < corrupt) {
          const i = Math.floor(random() * segment.length);
          let x = 1 + Math.floor(random() * 255);
          if ((segment[i]! ^ x) === delimiter) x ^= 0x01;
          segment[i] = segment[i]! ^ x;
          counts.corruptedFrames += 1;
        }
        out.push(segment, Buffer.from([delimiter]));
        data = data.subarray(at + 1);
      }
      return Buffer.concat(out);
    },
    dropAck() {
      const drop = random() < (options.dropAckProbability ?? 0);
      if (drop) counts.droppedAcks += 1;
      return drop;
    },
    ackDelayMs() {
      return options.ackDelayMs ?? 0;
    },
  };
  return { faults, counts };
}

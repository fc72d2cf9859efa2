/**
 * `/speech` streams raw PCM16 bytes, and the network splits them wherever it likes, an odd number of
 * bytes included. This keeps the dangling byte of one chunk for the next, so every sample is whole.
 *
 * Pure. Browser-only module: never import from `src/server/**` here.
 */
import { bytesToPcm16 } from '../audio/pcm16';

export interface PcmAligner {
  /** The whole samples available after this chunk (possibly none). */
  push(bytes: Uint8Array): Int16Array;
  /** A byte is waiting for its pair (a stream that ends like this was cut short). */
  readonly pending: boolean;
}

export function createPcmAligner(): PcmAligner {
  let carry: number | undefined;
  return {
    push(bytes) {
      if (bytes.length === 0) return new Int16Array(0);
      let joined = bytes;
      if (carry !== undefined) {
        joined = new Uint8Array(bytes.length + 1);
        joined[0] = carry;
        joined.set(bytes, 1);
        carry = undefined;
      }
      if (joined.length % 2 === 1) carry = joined[joined.length - 1];
      return bytesToPcm16(joined); // ignores the trailing odd byte, always copies
    },
    get pending() {
      return carry !== undefined;
    },
  };
}

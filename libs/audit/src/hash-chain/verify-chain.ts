import { ChainedEvent, linkHash } from './audit-link';

export type ChainBreakReason = 'hash_mismatch' | 'prev_hash_mismatch' | 'seq_gap' | 'seq_out_of_order';

export interface ChainBreak {
  readonly seq: number;
  readonly reason: ChainBreakReason;
  readonly expected?: string | number;
  readonly actual?: string | number;
}

/** `checked` counts the events examined, including the broken one. */
export type ChainVerdict =
  | { readonly valid: true; readonly checked: number; readonly lastSeq?: number; readonly lastHash?: string }
  | { readonly valid: false; readonly checked: number; readonly brokenAt: ChainBreak };

/**
 * Anchors for the first event. Without them the first event is trusted for its seq and prevHash
 * (only its own hash is checked), so a truncated head goes unnoticed. Pass
 * `{ expectedFirstSeq: 1, expectedPrevHash: GENESIS_HASH }` for a whole chain, or the previous
 * range's lastSeq + 1 and lastHash for the next range. A chain cannot reveal a truncated or
 * rewritten tail by itself: compare lastSeq/lastHash with a checkpoint kept elsewhere.
 */
export interface ChainVerifyOptions {
  readonly expectedFirstSeq?: number;
  readonly expectedPrevHash?: string;
}

/**
 * Verifies events one at a time, so a caller can stream a huge range from a cursor without
 * holding it. Stops at the first broken link: after one break, later links prove nothing.
 */
export class ChainVerifier {
  private nextSeq: number | undefined;
  private prevHash: string | undefined;
  private checked = 0;
  private last: { seq: number; hash: string } | undefined;
  private broken: ChainVerdict | undefined;

  constructor(options: ChainVerifyOptions = {}) {
    this.nextSeq = options.expectedFirstSeq;
    this.prevHash = options.expectedPrevHash;
  }

  /** Returns undefined while the chain holds, else the verdict for the first break (again on every later push). */
  push(event: ChainedEvent): ChainVerdict | undefined {
    if (this.broken) return this.broken;
    this.checked += 1;
    const brokenAt = this.findBreak(event);
    if (brokenAt) {
      this.broken = { valid: false, checked: this.checked, brokenAt };
      return this.broken;
    }
    this.nextSeq = event.seq + 1;
    this.prevHash = event.hash;
    this.last = { seq: event.seq, hash: event.hash };
    return undefined;
  }

  result(): ChainVerdict {
    if (this.broken) return this.broken;
    if (!this.last) return { valid: true, checked: this.checked };
    return { valid: true, checked: this.checked, lastSeq: this.last.seq, lastHash: this.last.hash };
  }

  // Sequence before prevHash: a deletion breaks both, and "seq_gap" says more about what happened.
  private findBreak(event: ChainedEvent): ChainBreak | undefined {
    const { seq } = event;
    if (this.nextSeq !== undefined && seq !== this.nextSeq) {
      const reason = seq > this.nextSeq ? 'seq_gap' : 'seq_out_of_order';
      return { seq, reason, expected: this.nextSeq, actual: seq };
    }
    if (this.prevHash !== undefined && event.prevHash !== this.prevHash) {
      return { seq, reason: 'prev_hash_mismatch', expected: this.prevHash, actual: event.prevHash };
    }
    const recomputed = linkHash(seq, event.prevHash, event.body);
    if (event.hash !== recomputed) return { seq, reason: 'hash_mismatch', expected: recomputed, actual: event.hash };
    return undefined;
  }
}

/** Walks events in the order given (the caller orders by seq) and reports the first broken link. */
export function verifyChain(events: Iterable<ChainedEvent>, options?: ChainVerifyOptions): ChainVerdict {
  const verifier = new ChainVerifier(options);
  for (const event of events) {
    // Leaving the loop early also closes a generator or cursor behind the iterable.
    if (verifier.push(event)) break;
  }
  return verifier.result();
}

import { createHash } from 'node:crypto';
import { canonicalJson } from '@flowgate/core';

/** One audit event as stored: its body plus the link that ties it to its predecessor. */
export interface ChainedEvent {
  readonly seq: number;
  readonly prevHash: string;
  readonly hash: string;
  /** Everything hashed except seq, prevHash and hash themselves. */
  readonly body: Record<string, unknown>;
}

/** The prevHash of the first event ever written: a digest no real event can produce. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * The digest covers seq and prevHash as well as the body: without seq a row could be renumbered
 * unnoticed, and without prevHash rows could be deleted or spliced while each still verified alone.
 * Changing the preimage format invalidates every stored chain; the spec pins it with a golden vector.
 */
export function linkHash(seq: number, prevHash: string, body: Record<string, unknown>): string {
  return createHash('sha256').update(canonicalJson({ seq, prevHash, body }), 'utf8').digest('hex');
}

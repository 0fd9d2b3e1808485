import { Injectable } from '@nestjs/common';
import { FlowgateConfig, TransactionRunner } from '@flowgate/core';
import { AuditRepository } from '../audit.repository';
import { GENESIS_HASH } from '../hash-chain/audit-link';
import { ChainVerifier } from '../hash-chain/verify-chain';
import { signAnchor } from './anchor-jws';
import { AnchorKeyRing } from './anchor-key-ring';
import { AuditAnchorsRepository, type StoredAnchor } from './audit-anchors.repository';

/**
 * A run fires after a full idle interval; this slack absorbs timer and clock jitter so that a run
 * a few milliseconds early is not skipped, while replicas racing each other still are.
 */
const INTERVAL_SLACK = 0.9;

/**
 * Makes an anchor: signs the chain head when it moved since the last anchor, at most once per
 * interval for all replicas together.
 *
 * Before signing, the events since the last anchor are checked to extend it link by link: the
 * signer must not vouch for a chain that someone rewrote below an anchor (it would then sign the
 * forgery's head). The check runs before the lock is taken; under the lock the last anchor is read
 * again, and a replica that lost the race signs nothing.
 */
@Injectable()
export class AuditAnchoring {
  constructor(
    private readonly events: AuditRepository,
    private readonly anchors: AuditAnchorsRepository,
    private readonly keys: AnchorKeyRing,
    private readonly transactions: TransactionRunner,
    private readonly config: FlowgateConfig,
  ) {}

  /** The anchor made, or undefined when there was nothing to anchor (or another replica did). */
  async anchorHead(): Promise<StoredAnchor | undefined> {
    const last = await this.anchors.latest();
    const head = await this.events.head();
    if (last && (head.seq < last.seq || (head.seq === last.seq && head.hash !== last.hash))) {
      // The head never moves back nor changes in place: someone removed or rewrote signed events.
      throw new Error(
        `The audit chain head (seq ${head.seq}) contradicts the last anchor (seq ${last.seq}); nothing was signed`,
      );
    }
    if (head.seq === 0 || (last && head.seq === last.seq)) return undefined;
    await this.checkExtends(last, head);
    // Before the transaction: a development key is published in a transaction of its own, which
    // must not roll back with an anchor that loses a race.
    const key = await this.keys.signingKey();
    const { intervalMs, issuer } = this.config.audit.anchors;
    return this.transactions.runAlone(async (manager) => {
      const now = await this.anchors.lockForAnchoring(manager);
      const latest = await this.anchors.latest(manager);
      if (latest?.seq !== last?.seq) return undefined;
      if (latest && now.getTime() - Date.parse(latest.signedAt) < intervalMs * INTERVAL_SLACK) return undefined;
      const signedAt = now.toISOString();
      const jws = await signAnchor({ seq: head.seq, hash: head.hash, signedAt, iss: issuer }, key.privateKey, key.kid);
      const anchor: StoredAnchor = { seq: head.seq, hash: head.hash, signedAt, keyId: key.kid, jws };
      await this.anchors.insert(anchor, manager);
      return anchor;
    });
  }

  private async checkExtends(last: StoredAnchor | undefined, head: { seq: number; hash: string }): Promise<void> {
    const verifier = new ChainVerifier({
      expectedFirstSeq: last ? last.seq + 1 : 1,
      expectedPrevHash: last?.hash ?? GENESIS_HASH,
    });
    for await (const event of this.events.inChainOrder(last ? last.seq + 1 : 1, head.seq)) {
      if (verifier.push({ seq: event.seq, prevHash: event.prevHash, hash: event.hash, body: { ...event.body } })) break;
    }
    const verdict = verifier.result();
    if (!verdict.valid) {
      const { seq, reason } = verdict.brokenAt;
      throw new Error(`The audit chain does not extend the last anchor (seq ${seq}: ${reason}); nothing was signed`);
    }
    if (verdict.lastSeq !== head.seq || verdict.lastHash !== head.hash) {
      throw new Error(`The audit chain ends before its head (seq ${head.seq}); nothing was signed`);
    }
  }
}

import { Injectable } from '@nestjs/common';
import { FlowgateConfig, TransactionRunner } from '@flowgate/core';
import { linkHash } from '../hash-chain/audit-link';
import { type AuditLink, AuditSealingRepository } from './audit-sealing.repository';

/**
 * Links final events into the hash chain, a batch per transaction: lock the head, take the next
 * final events in (txid, pos) order, link each to its predecessor exactly as writers did before
 * (`linkHash`, same preimage: old chains verify), fill their chain fields, move the head. A crash
 * mid-batch rolls the whole batch back, head included, and the next run starts from the head again.
 */
@Injectable()
export class AuditSealer {
  private readonly batchSize: number;

  constructor(
    private readonly transactions: TransactionRunner,
    private readonly sealing: AuditSealingRepository,
    config: FlowgateConfig,
  ) {
    this.batchSize = config.audit.sealBatchSize;
  }

  /** Seals one batch; returns how many events it sealed (0 when nothing is final yet). */
  async sealBatch(limit = this.batchSize): Promise<number> {
    return this.transactions.run(async (manager) => {
      const head = await this.sealing.lockHead(manager);
      const events = await this.sealing.nextFinal(limit, manager);
      if (events.length === 0) return 0;
      let { seq, hash } = head;
      const links: AuditLink[] = events.map((event) => {
        seq += 1;
        const link = {
          txid: event.txid,
          pos: event.pos,
          seq,
          prevHash: hash,
          hash: linkHash(seq, hash, { ...event.body }),
        };
        hash = link.hash;
        return link;
      });
      const sealed = await this.sealing.seal(links, manager);
      if (sealed !== links.length) {
        // Only a second sealer that got past the head's lock could cause it; refuse the whole batch.
        throw new Error(`sealed ${sealed} of ${links.length} audit events; the batch is rolled back`);
      }
      await this.sealing.moveHead({ seq, hash }, manager);
      return sealed;
    });
  }

  /** Seals until nothing final is left (tests, tools); returns the total sealed. */
  async sealAllFinal(): Promise<number> {
    let total = 0;
    for (let sealed = this.batchSize; sealed === this.batchSize; total += sealed) sealed = await this.sealBatch();
    return total;
  }
}

/** A sealer outside Nest (tests, tools) on a transaction runner of the caller's. */
export function auditSealerOn(
  transactions: TransactionRunner,
  config: { readonly audit: Pick<FlowgateConfig['audit'], 'sealBatchSize'> },
): AuditSealer {
  return new AuditSealer(transactions, new AuditSealingRepository(transactions), config as FlowgateConfig);
}

import { Injectable } from '@nestjs/common';
import { FlowgateConfig, TransactionRunner } from '@flowgate/core';
import { PinoLogger } from 'nestjs-pino';
import type { EntityManager } from 'typeorm';
import { AuditAnchorsService } from '../anchors/audit-anchors.service';
import { toAuditEventDto, toNdjsonLine } from '../audit-event.mapper';
import { AuditRepository } from '../audit.repository';
import { GENESIS_HASH } from '../hash-chain/audit-link';
import { ChainVerifier } from '../hash-chain/verify-chain';
import { writeArchiveFile } from './archive-file';
import { type AuditArchiveRecord, AuditArchivesRepository, type AuditPartition } from './audit-archives.repository';

/** The chain segment an archive file holds: from after the previous archive to a signed anchor. */
interface Segment {
  readonly first: number;
  readonly last: number;
  readonly prevHash: string;
  readonly lastHash: string;
}

type Outcome = { readonly archived: AuditArchiveRecord } | { readonly kept: string } | { readonly gone: true };

/**
 * Archives, then drops, the monthly partitions of `audit_events` older than the retention
 * (docs/audit.md, "Retention and archives"), oldest first, one transaction per partition:
 *
 * 1. take the archiving lock (or give way to the archiver holding it), and check the partition is still there, fully sealed, and that a
 *    signed anchor at or after its last seq exists (else keep it, and every newer one, for now);
 * 2. write the archive: the chain segment from the previous archive's last seq + 1 up to that
 *    anchor (events of the neighbouring month whose seq falls inside it included, as transactions
 *    commit across midnight), verified link by link while written, then the anchors of the segment.
 *    Every archive thus ends on a signed hash and starts where the one before ends;
 * 3. record it in `audit_archives`, DETACH and DROP the partition, commit.
 *
 * The file is complete and flushed before anything is dropped. A crash before the commit leaves
 * the file and no row, and the next run writes the same file again; a drop never happens without
 * both. Archived segments are always a prefix of the chain: that is why one kept partition holds
 * back the newer ones.
 */
@Injectable()
export class AuditArchiver {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly archives: AuditArchivesRepository,
    private readonly events: AuditRepository,
    private readonly anchors: AuditAnchorsService,
    private readonly config: FlowgateConfig,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext(AuditArchiver.name);
  }

  /** Archives and drops every expired partition it may; returns how many it dropped. */
  async archiveExpired(signal?: AbortSignal): Promise<number> {
    const { months, archiveDir } = this.config.audit.retention;
    if (months === undefined || archiveDir === undefined) return 0;
    let dropped = 0;
    for (const partition of await this.archives.endedMonthsAgo(months)) {
      if (signal?.aborted) break;
      const outcome = await this.archive(partition, archiveDir);
      if ('kept' in outcome) {
        this.logger.info(
          { partition: partition.name, reason: outcome.kept },
          'Kept an expired audit partition for now',
        );
        break;
      }
      if ('gone' in outcome) continue;
      const { archived } = outcome;
      this.logger.info(
        {
          partition: archived.partition,
          firstSeq: archived.firstSeq,
          lastSeq: archived.lastSeq,
          events: archived.eventCount,
          file: archived.fileName,
          sha256: archived.sha256,
        },
        'Archived and dropped an audit partition',
      );
      dropped += 1;
    }
    return dropped;
  }

  private archive(partition: AuditPartition, dir: string): Promise<Outcome> {
    return this.transactions.run(async (manager) => {
      if (!(await this.archives.tryLockForArchiving(manager))) return { kept: 'another worker is archiving' };
      // Another replica (after a lost lock) archived it since this run listed it.
      if (!(await this.archives.isAttached(partition.name, manager))) return { gone: true };
      const state = await this.archives.partitionState(partition.name, manager);
      if (state.unsealed > 0) return { kept: `${state.unsealed} events are not sealed yet` };
      const segment = await this.segmentUpTo(state.lastSeq, manager);
      if (segment === 'unanchored') return { kept: `no signed anchor covers seq ${state.lastSeq} yet` };
      const fileName = `audit-${partition.name}.ndjson`;
      const sha256 = await writeArchiveFile(dir, fileName, this.lines(segment));
      const archived: AuditArchiveRecord = {
        partition: partition.name,
        month: partition.month,
        firstSeq: segment?.first ?? null,
        lastSeq: segment?.last ?? null,
        lastHash: segment?.lastHash ?? null,
        eventCount: segment ? segment.last - segment.first + 1 : 0,
        fileName,
        sha256,
      };
      await this.archives.insert(archived, manager);
      await this.archives.dropPartition(partition.name, manager);
      return { archived };
    });
  }

  /** Undefined when the partition holds no event beyond the archives already made (an empty month). */
  private async segmentUpTo(
    lastSeq: number | null,
    manager: EntityManager,
  ): Promise<Segment | undefined | 'unanchored'> {
    const previous = await this.archives.newest(manager);
    const first = (previous?.lastSeq ?? 0) + 1;
    if (lastSeq === null || lastSeq < first) return undefined;
    const anchor = await this.archives.anchorAtOrAfter(lastSeq, manager);
    if (!anchor) return 'unanchored';
    return { first, last: anchor.seq, prevHash: previous?.lastHash ?? GENESIS_HASH, lastHash: anchor.hash };
  }

  /**
   * The archive's lines, in the export's format. The segment is verified as it is read: a broken
   * chain is evidence, and must stop the drop (the error rolls the transaction back), not be archived.
   */
  private async *lines(segment: Segment | undefined): AsyncGenerator<string> {
    if (!segment) return;
    const verifier = new ChainVerifier({ expectedFirstSeq: segment.first, expectedPrevHash: segment.prevHash });
    for await (const event of this.events.inChainOrder(segment.first, segment.last)) {
      const broken = verifier.push({ seq: event.seq, prevHash: event.prevHash, hash: event.hash, body: { ...event.body } }); // prettier-ignore
      if (broken && !broken.valid) {
        throw new Error(`The audit chain is broken at seq ${broken.brokenAt.seq} (${broken.brokenAt.reason}); nothing was archived or dropped`); // prettier-ignore
      }
      yield toNdjsonLine(toAuditEventDto(event));
    }
    const verdict = verifier.result();
    if (!verdict.valid || verdict.lastSeq !== segment.last || verdict.lastHash !== segment.lastHash) {
      throw new Error(`The audit chain does not reach its anchor at seq ${segment.last}; nothing was archived or dropped`); // prettier-ignore
    }
    yield* this.anchors.exportLines(segment.first, segment.last);
  }
}

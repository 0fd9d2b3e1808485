import { Inject, Injectable } from '@nestjs/common';
import { AppError, decodeCursor, encodeCursor, nextLinkFor, ReadReplica } from '@flowgate/core';
import { Readable } from 'node:stream';
import { AuditAnchorsService } from './anchors/audit-anchors.service';
import { AuditRepository } from './audit.repository';
import { toAuditEventDto, toNdjsonLine, toUnsealedAuditEventDto } from './audit-event.mapper';
import type { AuditEventListDto } from './dto/audit-event-list.dto';
import type { AuditEventDto } from './dto/audit-event.dto';
import type { ChainVerificationDto } from './dto/chain-verification.dto';
import type { ListAuditEventsQueryDto } from './dto/list-audit-events-query.dto';
import type { TimeRangeQueryDto } from './dto/time-range-query.dto';
import { GENESIS_HASH } from './hash-chain/audit-link';
import { ChainVerifier } from './hash-chain/verify-chain';
import { AuditArchivesRepository } from './retention/audit-archives.repository';

/**
 * Reading and verifying the audit log, for auditors. Lists, single events and exports read from
 * the read replica when one is configured (they tolerate its lag: an event written a moment ago
 * may show a moment later); verification reads the primary, the copy of record (docs/adr/0029).
 */
@Injectable()
export class AuditQueryService {
  constructor(
    private readonly repository: AuditRepository,
    private readonly anchors: AuditAnchorsService,
    private readonly archives: AuditArchivesRepository,
    // Only its reader: specs pass the primary's (`{ reader: () => transactions }`).
    @Inject(ReadReplica) private readonly replica: Pick<ReadReplica, 'reader'>,
  ) {}

  async list(query: ListAuditEventsQueryDto, requestUrl: string): Promise<AuditEventListDto> {
    const position = query.cursor
      ? decodeCursor(query.cursor, { pos: (value) => /^\d{1,18}$/.test(value) })
      : undefined;
    const rows = await this.repository.list(
      {
        ...query,
        beforePos: position ? Number(position.pos) : undefined,
        limit: query.top + 1,
      },
      this.replica.reader(),
    );
    const page = rows.slice(0, query.top);
    const value = page.map(toAuditEventDto);
    const last = page.at(-1);
    if (rows.length <= query.top || !last) return { value };
    return { value, nextLink: nextLinkFor(requestUrl, encodeCursor({ pos: String(last.pos) })) };
  }

  /**
   * The events of a time range as NDJSON, one per line, read from the database in batches as the
   * client consumes them (memory stays flat whatever the range): first the sealed ones in chain
   * order with seq, prevHash and hash, verifiable offline (docs/audit.md); then those not sealed
   * when the export began, in the order the sealer takes them, with those three fields null; last
   * the signed anchors of the sealed range, one per line with `"type": "audit.anchor"` (docs/adr/0019).
   */
  async export(query: TimeRangeQueryDto): Promise<Readable> {
    // One reader for every statement: if the replica fails mid-export, the rest comes from the
    // primary (which has all the replica had), never back from the replica's older state.
    const reader = this.replica.reader();
    const range = await this.repository.seqRange(query.from, query.to, reader);
    const { repository, anchors } = this;
    async function* lines(): AsyncGenerator<string> {
      if (range) {
        for await (const event of repository.inChainOrder(range.first, range.last, reader)) {
          yield toNdjsonLine(toAuditEventDto(event));
        }
      }
      for await (const event of repository.beyondSeq(range?.last ?? 0, query.from, query.to, reader)) {
        yield toNdjsonLine(toUnsealedAuditEventDto(event));
      }
      if (range) yield* anchors.exportLines(range.first, range.last, reader);
    }
    return Readable.from(lines(), { highWaterMark: 64 });
  }

  async get(id: string): Promise<AuditEventDto> {
    const event = await this.repository.findById(id, this.replica.reader());
    if (!event) throw new AppError('not_found', `There is no audit event ${id}.`);
    return toAuditEventDto(event);
  }

  /**
   * Walks the sealed chain (or the part of it in a time range) in sequence order, streaming from
   * the database, and reports the first link that does not hold. A whole-chain check also compares
   * the last event with the chain head, which reveals events removed from the end. Events not
   * sealed yet are outside the verdict; how many there are, and how old, is reported beside it.
   * After retention dropped partitions, the walk starts after the newest archive (whose last hash
   * a signed anchor vouched for when it was made) and expects its first event to link to it.
   * On the primary, never the replica: the verdict is about the database of record (ADR 29).
   */
  async verify(query: TimeRangeQueryDto): Promise<ChainVerificationDto> {
    const verdict = await this.verifySealed(query);
    const backlog = await this.repository.unsealedBacklog(query.from, query.to);
    const { count, oldestAgeSeconds } = backlog;
    const oldestUnsealedMs = oldestAgeSeconds === null ? null : Math.round(oldestAgeSeconds * 1000);
    return { ...verdict, unsealed: count, oldestUnsealedMs };
  }

  private async verifySealed(
    query: TimeRangeQueryDto,
  ): Promise<Omit<ChainVerificationDto, 'unsealed' | 'oldestUnsealedMs'>> {
    const whole = !query.from && !query.to;
    // Read the head first: events sealed while the walk runs lie beyond it and are not mistaken
    // for a missing tail; every event up to it is sealed (the head moves in the sealing transaction).
    const head = whole ? await this.repository.head() : undefined;
    const archive = await this.archives.newest();
    const retainedFrom = (archive?.lastSeq ?? 0) + 1;
    const continuesFrom = archive ? { continuesFrom: { partition: archive.partition, lastSeq: archive.lastSeq } } : {};
    const found = head
      ? head.seq > 0
        ? { first: 1, last: head.seq }
        : undefined
      : await this.repository.seqRange(query.from, query.to);
    // Events of the archived range still in the database (a neighbouring month's) are not walked again.
    const range = found && { first: Math.max(found.first, retainedFrom), last: found.last };
    if (!range || range.first > range.last) {
      return { valid: true, checked: 0, firstSeq: null, lastSeq: null, ...continuesFrom };
    }
    const verifier = new ChainVerifier({
      expectedFirstSeq: range.first,
      expectedPrevHash: await this.prevHashOf(range.first, archive),
    });
    for await (const event of this.repository.inChainOrder(range.first, range.last)) {
      if (verifier.push({ seq: event.seq, prevHash: event.prevHash, hash: event.hash, body: { ...event.body } })) break;
    }
    const verdict = verifier.result();
    const bounds = { firstSeq: range.first, lastSeq: range.last };
    if (!verdict.valid) {
      const { seq, reason } = verdict.brokenAt;
      return { valid: false, checked: verdict.checked, ...bounds, brokenAt: { seq, reason }, ...continuesFrom };
    }
    // Events removed from the end leave the walk short of the head (or at another hash).
    if (head && (verdict.lastSeq !== head.seq || verdict.lastHash !== head.hash)) {
      const brokenAt = { seq: (verdict.lastSeq ?? 0) + 1, reason: 'seq_gap' };
      return { valid: false, checked: verdict.checked, ...bounds, brokenAt, ...continuesFrom };
    }
    return { valid: true, checked: verdict.checked, ...bounds, ...continuesFrom };
  }

  private async prevHashOf(
    seq: number,
    archive: { lastSeq: number; lastHash: string } | undefined,
  ): Promise<string | undefined> {
    if (seq === 1) return GENESIS_HASH;
    if (seq === (archive?.lastSeq ?? 0) + 1) return archive?.lastHash;
    return this.repository.hashBefore(seq);
  }
}

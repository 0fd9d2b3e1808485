import { Injectable } from '@nestjs/common';
import { AppError, decodeCursor, encodeCursor, nextLinkFor } from '@flowgate/core';
import { Readable } from 'node:stream';
import { AuditAnchorsService } from './anchors/audit-anchors.service';
import { AuditRepository, StoredAuditEvent } from './audit.repository';
import { toAuditEventDto } from './audit-event.mapper';
import type { AuditEventListDto } from './dto/audit-event-list.dto';
import type { AuditEventDto } from './dto/audit-event.dto';
import type { ChainVerificationDto } from './dto/chain-verification.dto';
import type { ListAuditEventsQueryDto } from './dto/list-audit-events-query.dto';
import type { TimeRangeQueryDto } from './dto/time-range-query.dto';
import { GENESIS_HASH } from './hash-chain/audit-link';
import { ChainVerifier } from './hash-chain/verify-chain';

/** Reading and verifying the audit log, for auditors. */
@Injectable()
export class AuditQueryService {
  constructor(
    private readonly repository: AuditRepository,
    private readonly anchors: AuditAnchorsService,
  ) {}

  async list(query: ListAuditEventsQueryDto, requestUrl: string): Promise<AuditEventListDto> {
    const position = query.cursor
      ? decodeCursor(query.cursor, { seq: (value) => /^\d{1,18}$/.test(value) })
      : undefined;
    const rows = await this.repository.list({
      ...query,
      beforeSeq: position ? Number(position.seq) : undefined,
      limit: query.top + 1,
    });
    const page = rows.slice(0, query.top);
    const value = page.map(toAuditEventDto);
    const last = page.at(-1);
    if (rows.length <= query.top || !last) return { value };
    return { value, nextLink: nextLinkFor(requestUrl, encodeCursor({ seq: String(last.seq) })) };
  }

  /**
   * The events of a time range in chain order as NDJSON (one event per line, with seq, prevHash
   * and hash), read from the database in batches as the client consumes them: memory stays flat
   * whatever the range, and the file can be verified offline (docs/audit.md). After the events,
   * the signed anchors of the range, one per line with `"type": "audit.anchor"` (docs/adr/0019).
   */
  async export(query: TimeRangeQueryDto): Promise<Readable> {
    const range = await this.repository.seqRange(query.from, query.to);
    const events = range ? this.repository.inChainOrder(range.first, range.last) : emptyEvents();
    const anchors = this.anchors;
    async function* lines(): AsyncGenerator<string> {
      for await (const event of events) yield `${JSON.stringify(toAuditEventDto(event))}\n`;
      if (range) yield* anchors.exportLines(range.first, range.last);
    }
    return Readable.from(lines(), { highWaterMark: 64 });
  }

  async get(id: string): Promise<AuditEventDto> {
    const event = await this.repository.findById(id);
    if (!event) throw new AppError('not_found', `There is no audit event ${id}.`);
    return toAuditEventDto(event);
  }

  /**
   * Walks the chain (or the part of it in a time range) in sequence order, streaming from the
   * database, and reports the first link that does not hold. A whole-chain check also compares
   * the last event with the chain head, which reveals events removed from the end.
   */
  async verify(query: TimeRangeQueryDto): Promise<ChainVerificationDto> {
    const whole = !query.from && !query.to;
    // Read the head first: events committed while the walk runs lie beyond it and are not
    // mistaken for a missing tail; every event up to it has committed (they commit together).
    const head = whole ? await this.repository.head() : undefined;
    const range = head
      ? head.seq > 0
        ? { first: 1, last: head.seq }
        : undefined
      : await this.repository.seqRange(query.from, query.to);
    if (!range) return { valid: true, checked: 0, firstSeq: null, lastSeq: null };
    const verifier = new ChainVerifier({
      expectedFirstSeq: range.first,
      expectedPrevHash: range.first === 1 ? GENESIS_HASH : await this.repository.hashBefore(range.first),
    });
    for await (const event of this.repository.inChainOrder(range.first, range.last)) {
      if (verifier.push({ seq: event.seq, prevHash: event.prevHash, hash: event.hash, body: { ...event.body } })) break;
    }
    const verdict = verifier.result();
    const bounds = { firstSeq: range.first, lastSeq: range.last };
    if (!verdict.valid) {
      const { seq, reason } = verdict.brokenAt;
      return { valid: false, checked: verdict.checked, ...bounds, brokenAt: { seq, reason } };
    }
    // Events removed from the end leave the walk short of the head (or at another hash).
    if (head && (verdict.lastSeq !== head.seq || verdict.lastHash !== head.hash)) {
      const brokenAt = { seq: (verdict.lastSeq ?? 0) + 1, reason: 'seq_gap' };
      return { valid: false, checked: verdict.checked, ...bounds, brokenAt };
    }
    return { valid: true, checked: verdict.checked, ...bounds };
  }
}

async function* emptyEvents(): AsyncGenerator<StoredAuditEvent> {}

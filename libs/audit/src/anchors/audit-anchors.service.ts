import { Inject, Injectable } from '@nestjs/common';
import {
  decodeCursor,
  encodeCursor,
  nextLinkFor,
  ReadReplica,
  type PageQueryDto,
  type SqlReader,
} from '@flowgate/core';
import { AnchorKeyRing } from './anchor-key-ring';
import { AuditAnchorsRepository } from './audit-anchors.repository';
import type { AnchorKeySetDto } from './dto/anchor-key-set.dto';
import type { AuditAnchorListDto } from './dto/audit-anchor.dto';

/** An export line that is an anchor, told apart from event lines (which have no `type`) by `type`. */
export const ANCHOR_LINE_TYPE = 'audit.anchor';

/** Anchors for auditors and exports, and the keys that verify them. */
@Injectable()
export class AuditAnchorsService {
  constructor(
    private readonly anchors: AuditAnchorsRepository,
    private readonly keys: AnchorKeyRing,
    // Only its reader: specs pass the primary's (`{ reader: () => transactions }`).
    @Inject(ReadReplica) private readonly replica: Pick<ReadReplica, 'reader'>,
  ) {}

  /** Anchors tolerate the replica's lag: one signed a moment ago shows on the next list (ADR 29). */

  async list({ top, cursor }: PageQueryDto, requestUrl: string): Promise<AuditAnchorListDto> {
    const position = cursor ? decodeCursor(cursor, { seq: (value) => /^\d{1,18}$/.test(value) }) : undefined;
    const rows = await this.anchors.list(position ? Number(position.seq) : undefined, top + 1, this.replica.reader());
    const value = rows.slice(0, top);
    const last = value.at(-1);
    if (rows.length <= top || !last) return { value };
    return { value, nextLink: nextLinkFor(requestUrl, encodeCursor({ seq: String(last.seq) })) };
  }

  async keySet(): Promise<AnchorKeySetDto> {
    return { keys: await this.keys.publishedKeys() };
  }

  /**
   * NDJSON lines of the anchors of an exported seq range, after its events (docs/audit.md), read
   * through the export's own reader (so the whole export comes from one source).
   */
  async *exportLines(firstSeq: number, lastSeq: number, reader?: SqlReader): AsyncGenerator<string> {
    for await (const anchor of this.anchors.inRange(firstSeq, lastSeq, reader)) {
      yield `${JSON.stringify({ type: ANCHOR_LINE_TYPE, ...anchor })}\n`;
    }
  }
}

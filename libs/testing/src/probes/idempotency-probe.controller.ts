import { Body, Controller, OnModuleInit, Post, Query, Res } from '@nestjs/common';
import { Authenticated, CurrentPrincipal, type Principal } from '@flowgate/auth';
import { HttpReply, TransactionRunner } from '@flowgate/core';
import { Idempotent } from '@flowgate/traffic';
import { CreateNoteDto } from './create-note.dto';

/** A row in the probe's own table: the "change" whose count proves exactly-once. */
export interface ProbeNote {
  readonly id: string;
  readonly text: string;
  readonly createdAt: string;
}

export const PROBE_NOTES_TABLE = 'probe_notes';

/**
 * A minimal idempotent write for the traffic tests: `POST /v1/probes/notes` inserts one row and
 * answers 201 with a `Location`, like a real creation. `delayMs` holds the transaction open after
 * the insert, so that concurrent duplicates really overlap.
 */
@Controller({ path: 'probes/notes', version: '1' })
export class IdempotencyProbeController implements OnModuleInit {
  constructor(private readonly transactions: TransactionRunner) {}

  async onModuleInit(): Promise<void> {
    await this.transactions.query(
      `CREATE TABLE IF NOT EXISTS ${PROBE_NOTES_TABLE} (
         id uuid PRIMARY KEY DEFAULT gen_random_uuid(), owner text NOT NULL, text text NOT NULL,
         created_at timestamptz NOT NULL DEFAULT now())`,
    );
  }

  @Post()
  @Authenticated()
  @Idempotent({ required: true })
  create(
    @CurrentPrincipal() principal: Principal,
    @Body() note: CreateNoteDto,
    @Res({ passthrough: true }) res: HttpReply,
    @Query('delayMs') delayMs = '0',
  ): Promise<ProbeNote> {
    return this.insert(principal, note, res, Number(delayMs));
  }

  /** The same write without the idempotency layer: the baseline of `npm run bench -- idempotency`. */
  @Post('unkeyed')
  @Authenticated()
  createUnkeyed(
    @CurrentPrincipal() principal: Principal,
    @Body() note: CreateNoteDto,
    @Res({ passthrough: true }) res: HttpReply,
  ): Promise<ProbeNote> {
    return this.insert(principal, note, res, 0);
  }

  private async insert(principal: Principal, note: CreateNoteDto, res: HttpReply, delayMs: number): Promise<ProbeNote> {
    const created = await this.transactions.run(async (manager) => {
      const [row] = await manager.query<{ id: string; text: string; created_at: Date }[]>(
        `INSERT INTO ${PROBE_NOTES_TABLE} (owner, text) VALUES ($1, $2) RETURNING id, text, created_at`,
        [principal.userId, note.text],
      );
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs).unref());
      return row;
    });
    res.header('Location', `/v1/probes/notes/${created.id}`);
    return { id: created.id, text: created.text, createdAt: created.created_at.toISOString() };
  }
}

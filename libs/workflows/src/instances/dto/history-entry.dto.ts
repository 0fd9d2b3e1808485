import { ApiProperty } from '@nestjs/swagger';

export class HistoryEntryDto {
  /** 1 for the start, then one per move or vote. */
  seq!: number;
  @ApiProperty({ enum: ['started', 'moved', 'voted'] })
  kind!: 'started' | 'moved' | 'voted';
  transition!: string | null;
  fromState!: string | null;
  toState!: string;
  /** The user who acted. */
  actorId!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true })
  input!: Record<string, unknown> | null;
  comment!: string | null;
  occurredAt!: string;
}

export class HistoryListDto {
  @ApiProperty({ type: () => [HistoryEntryDto] })
  value!: HistoryEntryDto[];
  /** Absolute URL of the next page; absent on the last page. */
  nextLink?: string;
}

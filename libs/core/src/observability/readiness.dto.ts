import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ReadinessDto {
  /**
   * `ok` when every dependency answered; `degraded` when Redis or the read replica did not and the
   * instance serves without it.
   */
  @ApiProperty({ enum: ['ok', 'degraded'] })
  status!: 'ok' | 'degraded';

  /** State of each dependency (`databaseReplica` only when a read replica is configured). */
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string', enum: ['up', 'down'] },
    example: { database: 'up', redis: 'up' },
  })
  checks!: Record<string, 'up' | 'down'>;

  /** While degraded: what works differently, by component. */
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { rateLimiting: 'per-instance limits: Redis is unreachable' },
  })
  degraded?: Record<string, string>;
}

import { ApiProperty } from '@nestjs/swagger';

export class ReadinessDto {
  /** `ok` when every dependency answered. */
  @ApiProperty({ enum: ['ok'] })
  status!: 'ok';

  /** State of each dependency. */
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string', enum: ['up', 'down'] },
    example: { database: 'up', redis: 'up' },
  })
  checks!: Record<string, 'up' | 'down'>;
}

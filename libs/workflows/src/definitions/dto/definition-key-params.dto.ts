import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { DEFINITION_KEY_PATTERN } from '../../definition/workflow-definition';

export class DefinitionKeyParamsDto {
  @ApiProperty({ pattern: DEFINITION_KEY_PATTERN.source, example: 'purchase-request' })
  @Matches(DEFINITION_KEY_PATTERN, { message: `key must match ${DEFINITION_KEY_PATTERN.source}` })
  key!: string;
}

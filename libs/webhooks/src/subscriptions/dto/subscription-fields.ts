import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DEFINITION_KEY_PATTERN } from '@flowgate/workflows';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
} from 'class-validator';
import { WEBHOOK_EVENT_TYPES } from '../../events/webhook-event-types';

// The fields a subscription is created with and changed by, declared once: validation and contract
// for both requests. `optional` is the PATCH form (absent: left as it is).

const MAX_DEFINITION_FILTER = 50;

const optionalIf = (optional: boolean) => (optional ? [IsOptional()] : []);

export function ReceiverUrlField(options: { optional: boolean }): PropertyDecorator {
  const schema = { format: 'uri', maxLength: 2048 };
  return applyDecorators(
    options.optional ? ApiPropertyOptional(schema) : ApiProperty(schema),
    ...optionalIf(options.optional),
    IsString(),
    MaxLength(2048),
  );
}

export function EventTypesField(options: { optional: boolean }): PropertyDecorator {
  const schema = { enum: WEBHOOK_EVENT_TYPES, isArray: true, minItems: 1, uniqueItems: true };
  return applyDecorators(
    options.optional ? ApiPropertyOptional(schema) : ApiProperty(schema),
    ...optionalIf(options.optional),
    IsArray(),
    ArrayMinSize(1),
    ArrayUnique(),
    IsIn(WEBHOOK_EVENT_TYPES, { each: true }),
  );
}

/** Always optional; `nullable` where `null` means "remove the filter". */
export function DefinitionKeysField(options: { nullable: boolean }): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      type: 'array',
      items: { type: 'string', pattern: DEFINITION_KEY_PATTERN.source },
      minItems: 1,
      maxItems: MAX_DEFINITION_FILTER,
      uniqueItems: true,
      nullable: options.nullable,
    }),
    IsOptional(),
    IsArray(),
    ArrayMinSize(1),
    ArrayMaxSize(MAX_DEFINITION_FILTER),
    ArrayUnique(),
    Matches(DEFINITION_KEY_PATTERN, { each: true, message: 'definitionKeys must hold definition keys' }),
  );
}

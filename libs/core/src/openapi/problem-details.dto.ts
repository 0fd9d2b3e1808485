import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class FieldErrorDto {
  @ApiProperty({ description: 'JSON Pointer into { body, query, headers, path }', example: '/body/title' })
  pointer!: string;

  @ApiProperty({ example: 'title must be a string' })
  detail!: string;

  @ApiProperty({ description: 'Stable code of the failed rule', example: 'is_string' })
  code!: string;
}

/** RFC 9457 problem details, as every non-2xx response carries them. */
export class ProblemDetailsDto {
  @ApiProperty({ format: 'uri', example: 'https://flowgate.dev/problems/validation-failed' })
  type!: string;

  @ApiProperty({ example: 'The request is not valid' })
  title!: string;

  @ApiProperty({
    type: 'integer',
    minimum: 400,
    maximum: 599,
    description: 'Same as the HTTP status code',
    example: 400,
  })
  status!: number;

  @ApiProperty({ example: 'The body has 1 problem; see errors.' })
  detail!: string;

  @ApiProperty({ format: 'uri-reference', example: '/v1/workflows' })
  instance!: string;

  @ApiProperty({ description: 'Stable machine-readable error code', example: 'validation_failed' })
  code!: string;

  @ApiProperty({
    description: 'Same value as the X-Request-Id response header',
    example: '3f0c2b1e-8d4a-4c55-9d6e-0f1a2b3c4d5e',
  })
  requestId!: string;

  @ApiPropertyOptional({
    description:
      'W3C trace id of the request (32 lowercase hex digits), when tracing is on: the same id in the logs, the trace and the audit events (`GET /v1/audit-events?traceId=`)',
    pattern: '^[0-9a-f]{32}$',
    example: '4bf92f3577b34da6a3ce929d0e0e4736',
  })
  traceId?: string;

  @ApiPropertyOptional({ type: [FieldErrorDto], description: 'Every invalid field, for validation failures' })
  errors?: FieldErrorDto[];

  // Extension members (RFC 9457 §3.2) that core's own problems carry. Feature libraries declare
  // theirs beside the code that sends them; the OpenAPI builder adds them here (`problemMembers`).

  @ApiPropertyOptional({
    description: '`precondition_failed`: the current ETag, to send in `If-Match` after reading the resource again.',
    example: '"4"',
  })
  currentETag?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string', enum: ['up', 'down'] },
    description: '`dependency_unavailable` from the readiness probe: the state of each dependency.',
    example: { database: 'down', redis: 'up' },
  })
  checks?: Record<string, 'up' | 'down'>;
}

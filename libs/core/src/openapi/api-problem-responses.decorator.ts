import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { ERROR_CATALOG } from '../errors/error-catalog';
import { PROBLEM_CONTENT_TYPE } from '../http/problem-responder';
import { ProblemDetailsDto } from './problem-details.dto';

/** Names the error codes a status can carry, for the response description. */
function describe(status: number): string {
  const codes = Object.entries(ERROR_CATALOG)
    .filter(([, entry]) => entry.status === status)
    .map(([code]) => `\`${code}\``);
  return `Problem details (${codes.join(', ')})`;
}

/** An OpenAPI response object for a problem with this status, or for a whole status range. */
export function problemResponseObject(status: number | '4XX') {
  return {
    description: status === '4XX' ? 'Problem details for any other client error' : describe(status),
    content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: getSchemaPath(ProblemDetailsDto) } } },
  };
}

/** Documents the problem responses an operation can give beyond the ones every operation has. */
export function ApiProblemResponses(...statuses: number[]) {
  return applyDecorators(
    ApiExtraModels(ProblemDetailsDto),
    ...statuses.map((status) => ApiResponse({ status, ...problemResponseObject(status) })),
  );
}

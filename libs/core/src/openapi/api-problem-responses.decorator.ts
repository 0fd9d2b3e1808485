import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import type { OpenAPIObject } from '@nestjs/swagger';
import { ERROR_CATALOGUE } from '../errors/error-catalog';
import { PROBLEM_CONTENT_TYPE } from '../http/problem-responder';
import { ProblemDetailsDto } from './problem-details.dto';

/** Names the error codes a status can carry, for the response description. */
function describe(status: number): string {
  return `Problem details (${ERROR_CATALOGUE.codesFor(status)
    .map((code) => `\`${code}\``)
    .join(', ')})`;
}

/**
 * Decorators run when their module loads, before the composition root has registered every
 * feature's codes; so they leave this mark, and `describeProblemResponses` writes the codes in
 * when the document is built, from the complete catalogue.
 */
const CODES_OF_STATUS = /\{\{problem-codes:(\d{3})\}\}/g;
const codesOfStatusMark = (status: number) => `{{problem-codes:${status}}}`;

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
    ...statuses.map((status) =>
      ApiResponse({ status, ...problemResponseObject(status), description: codesOfStatusMark(status) }),
    ),
  );
}

/** Replaces the marks `ApiProblemResponses` left with the codes each status carries. */
export function describeProblemResponses(document: OpenAPIObject): OpenAPIObject {
  for (const pathItem of Object.values(document.paths)) {
    for (const operation of Object.values(pathItem as Record<string, { responses?: object }>)) {
      for (const response of Object.values(operation?.responses ?? {}) as { description?: string }[]) {
        if (typeof response.description === 'string') {
          response.description = response.description.replace(CODES_OF_STATUS, (_mark, status: string) =>
            describe(Number(status)),
          );
        }
      }
    }
  }
  return document;
}

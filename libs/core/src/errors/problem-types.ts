import { Injectable } from '@nestjs/common';
import { AppError } from './app-error';
import { type CatalogueEntry, ERROR_CATALOGUE, isErrorCode, problemTypeFor } from './error-catalog';
import type { ProblemTypeDto } from './problem-type.dto';
import type { ProblemTypeListDto } from './problem-type-list.dto';

/**
 * Publishes the error catalogue, so clients can look up any `code` or `type` they receive: core's
 * codes and every feature's the composition root registered.
 */
@Injectable()
export class ProblemTypes {
  list(): ProblemTypeListDto {
    return { value: ERROR_CATALOGUE.list().map(describe) };
  }

  get(code: string): ProblemTypeDto {
    const entry = isErrorCode(code) ? ERROR_CATALOGUE.list().find((known) => known.code === code) : undefined;
    if (!entry) throw new AppError('not_found', `There is no problem type with code "${code}".`);
    return describe(entry);
  }
}

function describe({ code, status, title }: CatalogueEntry): ProblemTypeDto {
  return { code, type: problemTypeFor(code), status, title };
}

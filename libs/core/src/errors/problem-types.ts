import { Injectable } from '@nestjs/common';
import { AppError } from './app-error';
import { ERROR_CATALOG, ErrorCode, isErrorCode, problemTypeFor } from './error-catalog';
import type { ProblemTypeDto } from './problem-type.dto';
import type { ProblemTypeListDto } from './problem-type-list.dto';

/** Publishes the error catalogue, so clients can look up any `code` or `type` they receive. */
@Injectable()
export class ProblemTypes {
  list(): ProblemTypeListDto {
    return { value: (Object.keys(ERROR_CATALOG) as ErrorCode[]).map(describe) };
  }

  get(code: string): ProblemTypeDto {
    if (!isErrorCode(code)) throw new AppError('not_found', `There is no problem type with code "${code}".`);
    return describe(code);
  }
}

function describe(code: ErrorCode): ProblemTypeDto {
  return { code, type: problemTypeFor(code), ...ERROR_CATALOG[code] };
}

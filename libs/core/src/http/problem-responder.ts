import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AppError } from '../errors/app-error';
import { toProblemDetails } from '../errors/problem-details';
import { requestIdOf } from './request-id';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Writes an application error as an RFC 9457 response. Shared by the exception filter and by
 * middleware that must answer outside Nest's handler chain (the request timeout). */
@Injectable()
export class ProblemResponder {
  send(req: Request, res: Response, error: AppError): void {
    const problem = toProblemDetails(error, { instance: pathOf(req), requestId: requestIdOf(req) });
    for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
    // Errors are about this request at this moment; caches and proxies must not reuse them.
    res.setHeader('Cache-Control', 'no-store');
    res.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
  }
}

function pathOf(req: Request): string {
  const url = req.originalUrl ?? req.url ?? '/';
  const queryStart = url.indexOf('?');
  return queryStart === -1 ? url : url.slice(0, queryStart);
}

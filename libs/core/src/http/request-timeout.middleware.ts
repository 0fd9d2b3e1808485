import { Injectable, NestMiddleware } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AppError } from '../errors/app-error';
import { FlowgateConfig } from '../config/flowgate-config';
import { ProblemResponder } from './problem-responder';

/**
 * Answers 503 `request_timeout` when a request outlives its budget, so a stuck dependency turns
 * into a clear answer instead of a hanging client. The handler is not cancelled (Node cannot do
 * that); its late response is dropped by the exception filter. Database statements have their own
 * timeout (`DATABASE_STATEMENT_TIMEOUT_MS`), which is what actually frees the resources.
 */
@Injectable()
export class RequestTimeoutMiddleware implements NestMiddleware {
  constructor(
    private readonly config: FlowgateConfig,
    private readonly responder: ProblemResponder,
  ) {}

  use(req: Request, res: Response, next: () => void): void {
    const timeoutMs = this.config.http.requestTimeoutMs;
    const timer = setTimeout(() => {
      if (res.headersSent) return;
      this.responder.send(
        req,
        res,
        new AppError('request_timeout', `The request did not complete within ${timeoutMs} ms.`, {
          headers: { Connection: 'close' },
        }),
      );
    }, timeoutMs);
    res.once('close', () => clearTimeout(timer));
    next();
  }
}

import { Injectable, NestMiddleware } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { assignRequestId } from './request-id';

/** Runs first for every request, matched route or not, so even a 404 carries `X-Request-Id`. */
@Injectable()
export class RequestIdMiddleware implements NestMiddleware {
  use(req: IncomingMessage, res: ServerResponse, next: () => void): void {
    assignRequestId(req, res);
    next();
  }
}

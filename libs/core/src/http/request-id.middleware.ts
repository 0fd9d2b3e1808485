import { Injectable, NestMiddleware } from '@nestjs/common';
import type { Request, Response } from 'express';
import { runInRequestContext } from './request-context';
import { assignRequestId } from './request-id';

/**
 * Runs first for every request, matched route or not, so even a 404 carries `X-Request-Id`, and
 * opens the request context (id, client address, user agent) the audit log reads.
 */
@Injectable()
export class RequestIdMiddleware implements NestMiddleware {
  use(req: Request, res: Response, next: () => void): void {
    const requestId = assignRequestId(req, res);
    const userAgent = req.headers['user-agent']?.slice(0, 512);
    runInRequestContext({ requestId, clientIp: req.ip, userAgent }, next);
  }
}

import { Injectable, NestMiddleware } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { InFlightRequests } from './in-flight-requests';

/** Nest instantiates middleware classes on their own, so the counter lives in a provider. */
@Injectable()
export class InFlightRequestsMiddleware implements NestMiddleware {
  constructor(private readonly inFlight: InFlightRequests) {}

  use(_req: IncomingMessage, res: ServerResponse, next: () => void): void {
    this.inFlight.track(res);
    next();
  }
}

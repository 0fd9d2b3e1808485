import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

/** The absolute URL the client called (scheme and host as seen through trusted proxies), for
 * building `nextLink`s that work from the client's side of a load balancer. */
export const RequestUrl = createParamDecorator((_data: unknown, context: ExecutionContext): string => {
  const req = context.switchToHttp().getRequest<Request>();
  return `${req.protocol}://${req.get('host') ?? 'localhost'}${req.originalUrl}`;
});

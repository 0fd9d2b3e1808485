import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { HttpRequest } from './http-types';

/** The absolute URL the client called (scheme and host as seen through trusted proxies), for
 * building `nextLink`s that work from the client's side of a load balancer. */
export const RequestUrl = createParamDecorator((_data: unknown, context: ExecutionContext): string => {
  const req = context.switchToHttp().getRequest<HttpRequest>();
  return `${req.protocol}://${req.host || 'localhost'}${req.originalUrl}`;
});

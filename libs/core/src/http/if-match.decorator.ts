import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { HttpRequest } from './http-types';

/** The raw `If-Match` header; the service decides (with `assertIfMatch`) whether it is required. */
export const IfMatch = createParamDecorator((_data: unknown, context: ExecutionContext): string | undefined => {
  const value = context.switchToHttp().getRequest<HttpRequest>().headers['if-match'];
  return typeof value === 'string' ? value : undefined;
});

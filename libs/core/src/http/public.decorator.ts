import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';

export const IS_PUBLIC = 'flowgate:public';

/**
 * Opts a route or controller out of authentication (health, metrics, problem types, discovery).
 * Defined here, beside the HTTP pipeline, because core's own operational endpoints need it; the
 * auth library's guards read the same metadata. Everything else is denied by default.
 */
export function Public() {
  return applyDecorators(SetMetadata(IS_PUBLIC, true), ApiExtension('x-public', true));
}

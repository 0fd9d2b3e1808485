import type { HttpRequest } from '../http/http-types';

/** The matched route's template (`/v1/users/:id`), never the raw path: raw paths would give
 * metrics and logs one series per id. Requests no endpoint matched share one label. */
export function routeTemplateOf(request: HttpRequest): string {
  if (request.is404) return '<unmatched>';
  return request.routeOptions?.url ?? '<unmatched>';
}

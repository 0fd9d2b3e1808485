import type { Request } from 'express';
import { isEndpointRoute } from '../http/express-route';

/** The matched route's template (`/v1/users/:id`), never the raw path: raw paths would give
 * metrics and logs one series per id. Requests no endpoint matched share one label. */
export function routeTemplateOf(req: Request): string {
  const route = req.route as unknown;
  return isEndpointRoute(route as never) ? (route as { path: string }).path : '<unmatched>';
}

import { METHODS } from 'node:http';

export interface ExpressRoute {
  path?: unknown;
  methods?: Record<string, boolean>;
}

/**
 * Nest mounts global middleware as Express routes that accept every method (`app.all`). Such a
 * route is plumbing, not an endpoint: it never makes a method "allowed" and is no route template.
 */
export function isEndpointRoute(route: ExpressRoute | undefined): route is ExpressRoute & { path: string } {
  if (!route || typeof route.path !== 'string') return false;
  const methods = route.methods ?? {};
  if (methods._all) return false;
  return METHODS.some((method) => !methods[method.toLowerCase()]);
}

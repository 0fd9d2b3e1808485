import { Injectable } from '@nestjs/common';
import FindMyWay, { HTTPMethod, HTTPVersion, Instance } from 'find-my-way';
import type { FastifyInstance, HTTPMethods } from 'fastify';
import { hasEmptyParameter } from './framework-errors';

/**
 * Fastify answers an unknown method on a known path with 404. HTTP says 405 with `Allow`, so on a
 * 404 we look the path up in a copy of the route table, built from Fastify's own `onRoute`
 * events with the router Fastify itself uses (find-my-way), so the two match paths alike.
 */
@Injectable()
export class AllowedMethods {
  private readonly router: Instance<HTTPVersion.V1> = FindMyWay({ ignoreTrailingSlash: false });
  private readonly methods = new Set<HTTPMethod>();

  /** Called once, before the routes are registered (`createHttpApp`). */
  observe(fastify: FastifyInstance): void {
    fastify.addHook('onRoute', (route) => {
      // The CORS preflight route answers OPTIONS on every path: plumbing, not an endpoint.
      if (route.url === '*' || route.url === '/*') return;
      for (const method of ([] as HTTPMethods[]).concat(route.method).map((m) => m.toUpperCase() as HTTPMethod)) {
        if (this.router.hasRoute(method, route.url)) continue;
        this.router.on(method, route.url, () => undefined);
        this.methods.add(method);
      }
    });
  }

  for(path: string): string[] {
    const allowed = new Set<string>();
    for (const method of this.methods) {
      // `/v1/workflows/` "matches" `/v1/workflows/:id` with an empty id: no endpoint (ADR 12).
      const found = this.router.find(method, path);
      if (found && !hasEmptyParameter(found.params)) allowed.add(method);
    }
    if (allowed.has('GET')) allowed.add('HEAD');
    return [...allowed].sort();
  }
}

import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ExpressRoute, isEndpointRoute } from './express-route';

interface RouterLayer {
  route?: ExpressRoute;
  match(path: string): unknown;
}

/**
 * Express answers an unknown method on a known path with 404. HTTP says 405 with `Allow`, so on a
 * 404 we ask Express's own router (same matcher, so no second route table to drift) which methods
 * the path does have.
 */
@Injectable()
export class AllowedMethods {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  for(path: string): string[] {
    const app = this.adapterHost.httpAdapter?.getInstance<{ router?: { stack: RouterLayer[] } }>();
    const router = app?.router;
    const methods = new Set<string>();
    for (const layer of router?.stack ?? []) {
      if (!isEndpointRoute(layer.route) || !layer.match(path)) continue;
      for (const [method, enabled] of Object.entries(layer.route.methods ?? {})) {
        if (enabled) methods.add(method.toUpperCase());
      }
    }
    if (methods.has('GET')) methods.add('HEAD');
    return [...methods].sort();
  }
}

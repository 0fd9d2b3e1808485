import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { hasEmptyParameter } from './framework-errors';

/**
 * Fastify answers an unknown method on a known path with 404. HTTP says 405 with `Allow`, so on a
 * 404 we ask Fastify's own router (`findRoute`) which methods the path does route: the same
 * table and the same matching rules that just refused the request, not a copy of them.
 */
@Injectable()
export class AllowedMethods {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  for(path: string): string[] {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    const allowed: string[] = [];
    for (const method of fastify.supportedMethods) {
      const found = fastify.findRoute({ method, url: path });
      if (!found) continue;
      // `/v1/workflows/` "matches" `/v1/workflows/:id` with an empty id: no endpoint (ADR 12).
      if (hasEmptyParameter(found.params)) continue;
      // The CORS preflight route (`OPTIONS *`) answers every path: plumbing, not an endpoint.
      if (method === 'OPTIONS' && '*' in found.params) continue;
      allowed.push(method);
    }
    return allowed.sort();
  }
}

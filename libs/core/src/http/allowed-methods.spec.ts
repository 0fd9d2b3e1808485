import { HttpAdapterHost } from '@nestjs/core';
import Fastify, { FastifyInstance } from 'fastify';
import { AllowedMethods } from './allowed-methods';

/** Fastify's router as the app fills it: resource routes, a static wildcard, the CORS catch-all. */
async function routedFastify(): Promise<FastifyInstance> {
  const fastify = Fastify();
  const reply = () => ({});
  fastify.get('/v1/workflows', reply);
  fastify.post('/v1/workflows', reply);
  fastify.get('/v1/workflows/:id', reply);
  fastify.delete('/v1/workflows/:id', reply);
  fastify.post('/v1/workflows/:id/transitions', reply);
  fastify.get('/docs/*', reply);
  fastify.options('*', reply);
  await fastify.ready();
  return fastify;
}

describe('AllowedMethods (asks the router Fastify routes with)', () => {
  let fastify: FastifyInstance;
  let allowed: AllowedMethods;

  beforeAll(async () => {
    fastify = await routedFastify();
    allowed = new AllowedMethods({ httpAdapter: { getInstance: () => fastify } } as unknown as HttpAdapterHost);
  });

  afterAll(() => fastify.close());

  it.each<[string, string[]]>([
    ['/v1/workflows', ['GET', 'HEAD', 'POST']],
    ['/v1/workflows/5f0c', ['DELETE', 'GET', 'HEAD']],
    ['/v1/workflows/5f0c/transitions', ['POST']],
    ['/docs/swagger-ui.css', ['GET', 'HEAD']],
    ['/v1/nowhere', []],
    // An empty parameter routes, but there is no endpoint there (ADR 12).
    ['/v1/workflows/', []],
    ['/v1/workflows//transitions', []],
    // Matching is Fastify's: case-sensitive, no trailing-slash folding.
    ['/V1/workflows', []],
    ['/v1/workflows/5f0c/transitions/', []],
  ])('%s → %j', (path, methods) => {
    expect(allowed.for(path)).toEqual(methods);
  });
});

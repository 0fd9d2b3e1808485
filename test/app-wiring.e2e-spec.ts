import request from 'supertest';
import { randomBytes } from 'node:crypto';
import type { Type } from '@nestjs/common';
import type { ApplicationConfig, NestContainer } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { GlobalGuards } from '@flowgate/api';
import { AuthenticationGuard, AuthorizationGuard, DevIdentityProvider } from '@flowgate/auth';
import { RequestShapeGuard } from '@flowgate/core';
import { RateLimitGuard } from '@flowgate/traffic';
import type { TestApp } from '@flowgate/testing';
import { createTestApp } from './support/create-test-app';

/**
 * How the app is wired (docs/architecture.md, "Modules"): the global guards are one ordered list
 * in the composition root, and no module of ours but the configuration is global. The order is
 * pinned twice: as the list itself, and by what a caller sees when two guards would both refuse.
 */
describe('App wiring', () => {
  const suffix = randomBytes(4).toString('hex');
  let testApp: TestApp;
  let http: ReturnType<typeof request>;
  let dev: DevIdentityProvider;
  /** Nest's own records of the app; not public API, hence the casts. */
  let nest: { config: ApplicationConfig; container: NestContainer };

  beforeAll(async () => {
    // A small per-user budget, so that the rate-limit guard's place in the order shows.
    testApp = await createTestApp({ env: { RATE_LIMIT_PRINCIPAL: '2/60s' } });
    http = request(testApp.app.getHttpServer());
    dev = testApp.app.get(DevIdentityProvider);
    nest = testApp.app as unknown as typeof nest;
  });

  afterAll(() => testApp?.close());

  /** A controller class of the running app, by name (Nest's container; not all are exported). */
  function controllerNamed(name: string): Type {
    for (const module of nest.container.getModules().values()) {
      for (const wrapper of module.controllers.values()) {
        if (wrapper.metatype?.name === name) return wrapper.metatype as Type;
      }
    }
    throw new Error(`no controller ${name}`);
  }

  const viewer = async (name: string) => ({
    Authorization: `Bearer ${await dev.mint({ user: `wiring-${name}-${suffix}`, roles: ['viewer'] })}`,
  });

  describe('global guards', () => {
    it('are one APP_GUARD, GlobalGuards, running authentication, authorization, rate limits, request shape', () => {
      const guards = nest.config.getGlobalGuards();
      expect(guards).toHaveLength(1);
      expect(nest.config.getGlobalRequestGuards()).toHaveLength(0);
      const [only] = guards;
      expect(only).toBeInstanceOf(GlobalGuards);
      expect((only as GlobalGuards).chain.map((guard) => guard.constructor)).toEqual([
        AuthenticationGuard,
        AuthorizationGuard,
        RateLimitGuard,
        RequestShapeGuard,
      ]);
    });

    it('answer a public route exempt from rate limits at once, without a promise (the liveness probe)', () => {
      const [only] = nest.config.getGlobalGuards() as GlobalGuards[];
      const health = controllerNamed('HealthController') as Type<{ live: () => unknown }>;
      const request = { method: 'GET', url: '/health/live', headers: {}, query: {}, params: {}, ip: '127.0.0.1' };
      const reply = { header: () => reply };
      const context = new ExecutionContextHost([request, reply], health, health.prototype.live);
      // Nest awaits a promise as readily, but on Node 20 each one a request makes runs
      // AsyncLocalStorage's hook (docs/performance.md): a probe's guards should make none.
      expect(only.canActivate(context)).toBe(true);
    });

    it('leave one global filter and one global pipe, and no global interceptor: nothing else has an order', () => {
      expect(nest.config.getGlobalFilters().map((filter) => filter.constructor.name)).toEqual(['AllExceptionsFilter']);
      expect(nest.config.getGlobalPipes().map((pipe) => pipe.constructor.name)).toEqual(['ProblemValidationPipe']);
      expect(nest.config.getGlobalInterceptors()).toHaveLength(0);
      expect(nest.config.getGlobalRequestFilters()).toHaveLength(0);
      expect(nest.config.getGlobalRequestPipes()).toHaveLength(0);
      expect(nest.config.getGlobalRequestInterceptors()).toHaveLength(0);
    });

    it('authenticate before judging the request shape: anonymous with an unknown parameter is 401, not 400', async () => {
      const res = await http.get('/v1/me?zzUnknown=1');
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 401, code: 'unauthenticated' });
    });

    it('authorize before judging the request shape: a viewer on an admin route with an unknown parameter is 403', async () => {
      const res = await http.get('/v1/users?zzUnknown=1').set(await viewer('shape'));
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 403, code: 'insufficient_role' });
    });

    it('authorize before counting: refused requests draw nothing from the caller’s budget', async () => {
      const auth = await viewer('refused');
      for (let attempt = 0; attempt < 3; attempt += 1) {
        expect((await http.get('/v1/users').set(auth)).status).toBe(403);
      }
      const allowed = await http.get('/v1/me').set(auth);
      expect(allowed.status).toBe(200);
      expect(String(allowed.headers.ratelimit)).toMatch(/"principal";r=1;/);
    });

    it('count before judging the request shape: over budget, a malformed request is 429, not 400', async () => {
      const auth = await viewer('counted');
      expect((await http.get('/v1/me?zzUnknown=1').set(auth)).status).toBe(400);
      expect((await http.get('/v1/me?zzUnknown=1').set(auth)).status).toBe(400);
      const over = await http.get('/v1/me?zzUnknown=1').set(auth);
      expect({ status: over.status, code: over.body.code }).toEqual({ status: 429, code: 'too_many_requests' });
    });
  });

  describe('modules', () => {
    const modules = () => [...nest.container.getModules().values()];

    it('none of ours is global but the configuration: every other module imports what it uses', () => {
      const globals = modules()
        .filter((module) => module.isGlobal)
        .map((module) => module.metatype.name)
        .sort();
      // ConfigModule is ours, global on purpose (config.module.ts); the others are the libraries':
      // Nest's own, nestjs-pino's logger, @nestjs/throttler's options and @nestjs/typeorm's data source.
      expect(globals).toEqual([
        'ConfigModule',
        'InternalCoreModule',
        'LoggerModule',
        'ThrottlerModule',
        'TypeOrmCoreModule',
      ]);
    });

    it('are each instantiated once, however many modules import them (one data source, one Redis connection)', () => {
      const ours = [
        'AppModule',
        'CoreModule',
        'ConfigModule',
        'HttpPipelineModule',
        'ObservabilityModule',
        'MetricsModule',
        'DatabaseModule',
        'RedisModule',
        'RequestShapeModule',
        'AuthModule',
        'AuditModule',
        'UsersModule',
        'TrafficModule',
        'WorkflowDefinitionsModule',
        'WorkflowsModule',
      ];
      const names = modules().map((module) => module.metatype.name);
      expect(ours.map((name) => [name, names.filter((candidate) => candidate === name).length])).toEqual(
        ours.map((name) => [name, 1]),
      );
    });
  });
});

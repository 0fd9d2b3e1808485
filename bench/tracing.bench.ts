import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TestIssuer } from '@flowgate/testing';
import { benchSettings, suiteTimeoutMs } from './support/bench-settings';
import { loopDefinition } from './support/loop-definition';
import { compare, interleaveRuns } from './support/measure';
import { benchToken, productionEnv } from './support/production-env';
import { API_ENTRY, API_NODE_FLAGS, ServerProcess, startServerProcess } from './support/server-process';
import { interleaveWrk, WrkTarget } from './support/wrk';
import { PostTarget, wrkPost } from './support/wrk-post';

const DEFINITION = loopDefinition('bench-tracing', 'Benchmark tracing');

/** The variants: tracing off (the baseline), then on at each head-sampling ratio. */
const VARIANTS = [
  { name: 'tracing off', env: {} },
  { name: 'tracing on, ratio 0.1', env: { OTEL_TRACES_SAMPLER_ARG: '0.1' } },
  { name: 'tracing on, ratio 1.0', env: { OTEL_TRACES_SAMPLER_ARG: '1' } },
] as const;

/**
 * What tracing costs (issue 19, ADR 0026): three processes of the API's production build, the same
 * but for tracing, driven in turn with wrk in one run. Tracing exports OTLP/HTTP to a sink in this
 * process that reads each batch and answers 200 (a collector that discards), so the cost measured
 * is the app's: spans made, sampled, batched, serialised and sent. Two paths: the read
 * (`GET /v1/workflows/{id}`: server span, four guards, Redis) and a transition (that and the
 * idempotency layer, a unit of work and its seven statements), each connection on an instance of
 * its own.
 */
describe('Tracing cost (wrk, production build)', () => {
  const settings = benchSettings();
  let issuer: TestIssuer;
  let sink: Server;
  let sinkBatches = 0;
  let apis: ServerProcess[] = [];
  let requester: string;
  let readPaths: string[];

  beforeAll(async () => {
    issuer = await TestIssuer.start();
    sink = createServer((req, res) => {
      req.on('data', () => undefined);
      req.on('end', () => {
        sinkBatches += 1;
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;
    const env = productionEnv(issuer);
    apis = await Promise.all(
      VARIANTS.map((variant, index) =>
        startServerProcess(
          API_ENTRY,
          { ...env, ...(index === 0 ? {} : { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint }), ...variant.env },
          API_NODE_FLAGS,
        ),
      ),
    );
    const admin = `Bearer ${benchToken(issuer, ['Flowgate.Admin'], ['c1'])}`;
    requester = `Bearer ${benchToken(issuer, ['Flowgate.Requester'])}`;
    expect((await call(apis[0], 'POST', '/v1/workflow-definitions', admin, DEFINITION)).status).toBe(201);
    // One instance to read, the same for every process (they share the database).
    readPaths = [await startInstance(apis[0])];
  }, 180_000);

  afterAll(async () => {
    await Promise.all(apis.map((api) => api.stop()));
    await new Promise((resolve) => sink?.close(resolve));
    await issuer?.close();
  });

  function call(api: ServerProcess, method: string, path: string, auth: string, body?: unknown): Promise<Response> {
    return fetch(`${api.url}${path}`, {
      method,
      headers: { Authorization: auth, 'Idempotency-Key': randomUUID(), 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  async function startInstance(api: ServerProcess): Promise<string> {
    const started = await call(api, 'POST', '/v1/workflows', requester, { definitionKey: DEFINITION.key });
    expect(started.status).toBe(201);
    return `/v1/workflows/${((await started.json()) as { id: string }).id}`;
  }

  it(
    'GET /v1/workflows/{id}: off vs on at 0.1 vs on at 1.0',
    async () => {
      const targets: WrkTarget[] = apis.map((api, index) => ({
        name: `GET /v1/workflows/{id}, ${VARIANTS[index].name}`,
        url: `${api.url}${readPaths[0]}`,
        headers: { Authorization: requester },
      }));
      for (const target of targets) {
        const res = await fetch(target.url, { headers: { ...target.headers } });
        expect(res.status).toBe(200);
        expect(res.headers.has('traceresponse')).toBe(target !== targets[0]);
      }
      const [off, ...on] = await interleaveWrk(targets, settings);
      process.stdout.write('\n');
      compare(off, on, 'Read with tracing vs without (wrk)');
      for (const result of [off, ...on]) {
        expect(result.errors).toBe(0);
        expect(result.non2xx).toBe(0);
      }
      expect(sinkBatches).toBeGreaterThan(0);
    },
    suiteTimeoutMs(settings, VARIANTS.length),
  );

  it(
    'a transition (distinct instances): off vs on at 0.1 vs on at 1.0',
    async () => {
      const variants = apis.map((api, index) => ({
        target: { name: `transition, ${VARIANTS[index].name}`, url: api.url },
        run: async (seconds: number) => {
          // New instances every run, so that the history a transition reads is the same size in each.
          const targets: PostTarget[] = await Promise.all(
            Array.from({ length: settings.connections }, async () => ({
              path: `${await startInstance(api)}/transitions`,
              authorization: requester,
            })),
          );
          return wrkPost({
            origin: api.url,
            targets,
            body: JSON.stringify({ name: 'touch' }),
            connections: settings.connections,
            seconds,
          });
        },
      }));
      const [off, ...on] = await interleaveRuns(variants, settings);
      process.stdout.write('\n');
      compare(off, on, 'Transition with tracing vs without (wrk)');
      for (const result of [off, ...on]) {
        expect(Object.keys(result.statusCodes)).toEqual(['200']);
        expect(result.errors).toBe(0);
      }
    },
    suiteTimeoutMs(settings, VARIANTS.length),
  );
});

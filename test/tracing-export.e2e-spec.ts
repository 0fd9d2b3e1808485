import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eventually } from '@flowgate/testing';
import { startApiProcess } from './support/api-process';

interface OtlpAttribute {
  key: string;
  value: { stringValue?: string; intValue?: string | number };
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes: OtlpAttribute[];
}
interface OtlpExport {
  resourceSpans: { resource: { attributes: OtlpAttribute[] }; scopeSpans: { spans: OtlpSpan[] }[] }[];
}

const attribute = (attributes: OtlpAttribute[], key: string) => {
  const value = attributes.find((entry) => entry.key === key)?.value;
  return value?.stringValue ?? value?.intValue;
};

/**
 * The production bootstrap end to end (ADR 0026): the API's own `main.ts` in a process of its own,
 * configured only through the environment, exporting OTLP/HTTP to a receiver in this test. Plain
 * Node's `require`, not Jest's registry: what the pg and ioredis instrumentations do there is what
 * ships. The spans are exported on SIGTERM (the batch is flushed on graceful shutdown), well
 * before the batch's 5-second timer.
 */
describe('Trace export (the API process)', () => {
  let receiver: Server;
  let endpoint: string;
  const exports: OtlpExport[] = [];

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        if (req.url === '/v1/traces') exports.push(JSON.parse(Buffer.concat(chunks).toString()) as OtlpExport);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise((resolve) => receiver.close(resolve)));

  it('exports the request’s spans, SQL and Redis included, with the service’s resource, and flushes on SIGTERM', async () => {
    const api = await startApiProcess({
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      OTEL_TRACES_SAMPLER_ARG: '1',
      TRACE_CONTEXT_TRUST: '127.0.0.1',
      SERVICE_VERSION: '9.9.9-trace-test',
    });
    try {
      // The line follows the ready line, in a chunk of stdout of its own on a busy machine.
      await eventually(
        async () => expect(api.output()).toContain(`Traces: OTLP to ${endpoint}/v1/traces, ratio 1`),
        5_000,
      );

      const token = await fetch(`${api.url}/dev-idp/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user: `trace-export-${randomBytes(3).toString('hex')}`, roles: ['requester'] }),
      });
      const { access_token: accessToken } = (await token.json()) as { access_token: string };
      const traceId = randomBytes(16).toString('hex');
      const me = await fetch(`${api.url}/v1/me`, {
        headers: { authorization: `Bearer ${accessToken}`, traceparent: `00-${traceId}-${'ab'.repeat(8)}-01` },
      });
      expect(me.status).toBe(200);
      expect(me.headers.get('traceresponse')).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));

      api.child.kill('SIGTERM');
      expect(await api.exited).toBe(0);

      const resources = exports.flatMap((batch) => batch.resourceSpans);
      expect(resources.length).toBeGreaterThan(0);
      for (const { resource } of resources) {
        expect({
          name: attribute(resource.attributes, 'service.name'),
          version: attribute(resource.attributes, 'service.version'),
          environment: attribute(resource.attributes, 'deployment.environment.name'),
        }).toEqual({ name: 'flowgate-api', version: '9.9.9-trace-test', environment: 'test' });
      }
      const spans = resources
        .flatMap((entry) => entry.scopeSpans.flatMap((scope) => scope.spans))
        .filter((span) => span.traceId === traceId);
      const server = spans.find((span) => span.name === 'GET /v1/me');
      expect(server?.parentSpanId).toBe('ab'.repeat(8));
      const systems = spans.map((span) => attribute(span.attributes, 'db.system.name'));
      expect(systems).toContain('postgresql');
      expect(systems).toContain('redis');
      expect(spans.map((span) => span.name)).toEqual(expect.arrayContaining(['guard authentication']));
    } finally {
      api.kill();
    }
  }, 120_000);
});

import { captureTraceContext, currentTraceId, inSpan, linksTo } from '@flowgate/core';
import { startInMemoryTracing, type InMemoryTracing } from './in-memory-tracing';

// The helpers of @flowgate/core's trace-context.ts, checked through the in-memory provider tests use.
describe('trace context', () => {
  it('does nothing while tracing is off: no span, no trace id, nothing to carry', async () => {
    expect(await inSpan('work', async (span) => span)).toBeUndefined();
    expect(currentTraceId()).toBeUndefined();
    expect(captureTraceContext()).toBeNull();
    expect(linksTo({ traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' })).toEqual([]);
  });

  describe('with tracing on', () => {
    let tracing: InMemoryTracing;
    beforeAll(() => (tracing = startInMemoryTracing()));
    afterAll(() => tracing.stop());
    beforeEach(() => tracing.exporter.reset());

    it('nests spans, carries the trace id and marks a thrown error', async () => {
      let inner: string | undefined;
      await expect(
        inSpan(
          'outer',
          () =>
            inSpan('inner', async () => {
              inner = currentTraceId();
              throw new Error('refused');
            }),
          { root: true },
        ),
      ).rejects.toThrow('refused');
      const [innerSpan, outerSpan] = tracing.spans();
      expect(innerSpan.name).toBe('inner');
      expect(innerSpan.parentSpanContext?.spanId).toBe(outerSpan.spanContext().spanId);
      expect(inner).toBe(outerSpan.spanContext().traceId);
      expect(innerSpan.status.code).toBe(2);
      expect(innerSpan.events.map((event) => event.name)).toContain('exception');
    });

    it('traces nothing outside a trace unless asked for a root', async () => {
      expect(await inSpan('unit of work', async () => currentTraceId())).toBeUndefined();
      expect(tracing.spans()).toEqual([]);
      expect(await inSpan('job', async () => currentTraceId(), { root: true })).toMatch(/^[0-9a-f]{32}$/);
      expect(tracing.spans().map((span) => span.name)).toEqual(['job']);
    });

    it('captures a context that links a later trace back to this one', async () => {
      const carrier = await inSpan('write', async () => captureTraceContext(), { root: true });
      expect(carrier?.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      const [link] = linksTo(carrier);
      expect(link.context.traceId).toBe(tracing.spans()[0].spanContext().traceId);
      expect(linksTo({ traceparent: 'garbage' })).toEqual([]);
    });
  });
});

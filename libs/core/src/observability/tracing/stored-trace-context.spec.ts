import { storedTraceContext, traceColumns } from './stored-trace-context';

const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

describe('stored trace context', () => {
  it('stores nothing while tracing is off (no carrier to capture)', () => {
    expect(traceColumns()).toEqual({ traceparent: null, tracestate: null });
  });

  it.each([
    [null, { traceparent: null, tracestate: null }],
    [{ traceparent: TRACEPARENT }, { traceparent: TRACEPARENT, tracestate: null }],
    [
      { traceparent: TRACEPARENT, tracestate: 'vendor=1' },
      { traceparent: TRACEPARENT, tracestate: 'vendor=1' },
    ],
  ])('stores %j as columns %j', (carrier, columns) => {
    expect(traceColumns(carrier)).toEqual(columns);
  });

  it.each([
    [{ traceparent: null, tracestate: null }, null],
    [{}, null],
    [{ traceparent: TRACEPARENT, tracestate: null }, { traceparent: TRACEPARENT }],
    [
      { traceparent: TRACEPARENT, tracestate: 'vendor=1' },
      { traceparent: TRACEPARENT, tracestate: 'vendor=1' },
    ],
  ])('reads the row %j as the carrier %j', (row, carrier) => {
    expect(storedTraceContext(row)).toEqual(carrier);
  });
});

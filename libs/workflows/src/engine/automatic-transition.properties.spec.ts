import fc from 'fast-check';
import { validateDefinition } from '../definition/definition-validator';
import { automaticTransition } from './automatic-transition';

/**
 * Random automatic edges between states that a person can always leave (so only cycles decide
 * validity), some with conditions on `data.amount`.
 */
const graphs = fc.integer({ min: 1, max: 6 }).chain((size) =>
  fc.record({
    size: fc.constant(size),
    edges: fc.array(
      fc.record({
        from: fc.nat(size - 1),
        to: fc.nat(size - 1),
        threshold: fc.option(fc.integer({ min: -5, max: 5 }), { nil: undefined }),
      }),
      { maxLength: 10 },
    ),
  }),
);

function documentOf({ size, edges }: { size: number; edges: { from: number; to: number; threshold?: number }[] }) {
  const names = Array.from({ length: size }, (_, i) => `s${i}`);
  return {
    key: 'autos',
    title: 'Autos',
    dataSchema: { type: 'object', properties: { amount: { type: 'number' } } },
    states: [...names.map((name, i) => ({ name, initial: i === 0 })), { name: 'end', terminal: true }],
    transitions: [
      ...names.map((name) => ({ name: `leave_${name}`, from: name, to: 'end' })),
      ...names.slice(1).map((name) => ({ name: `reach_${name}`, from: 's0', to: name })),
      ...edges.map((edge, i) => ({
        name: `auto_${i}`,
        from: names[edge.from],
        to: names[edge.to],
        auto: true,
        ...(edge.threshold === undefined ? {} : { when: `data.amount > ${edge.threshold}` }),
      })),
    ],
  };
}

function hasCycle(size: number, edges: readonly { from: number; to: number }[]): boolean {
  const reach = (start: number): boolean => {
    const seen = new Set<number>();
    const pending = edges.filter((edge) => edge.from === start).map((edge) => edge.to);
    while (pending.length > 0) {
      const next = pending.pop()!;
      if (next === start) return true;
      if (seen.has(next)) continue;
      seen.add(next);
      pending.push(...edges.filter((edge) => edge.from === next).map((edge) => edge.to));
    }
    return false;
  };
  return Array.from({ length: size }, (_, i) => i).some(reach);
}

describe('automatic transitions (properties)', () => {
  it('publish exactly when they cannot loop, and once published always settle within as many hops as states', () => {
    fc.assert(
      fc.property(graphs, fc.integer({ min: -10, max: 10 }), (graph, amount) => {
        const result = validateDefinition(documentOf(graph));
        expect(result.valid).toBe(!hasCycle(graph.size, graph.edges));
        if (!result.valid) return;
        for (let start = 0; start < graph.size; start += 1) {
          let state = `s${start}`;
          let hops = 0;
          for (;;) {
            const next = automaticTransition(result.definition, {
              state,
              initiatorId: 'a',
              assigneeIds: [],
              data: { amount },
            });
            if (next === undefined) break;
            state = next.to;
            hops += 1;
            expect(hops).toBeLessThanOrEqual(graph.size);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

import fc from 'fast-check';
import { compileCondition, type CompiledCondition } from '../definition/conditions/compile-condition';
import { validateDefinition } from '../definition/definition-validator';
import type { JsonSchema } from '../definition/workflow-definition';
import { evaluateCondition } from './evaluate-condition';

const DATA_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['amount'],
  properties: {
    amount: { type: 'number' },
    count: { type: 'integer' },
    note: { type: 'string' },
    flags: { type: 'array', items: { type: 'boolean' } },
    owner: { type: 'object', properties: { id: { type: 'string' } } },
  },
};

/** Data the schema accepts: the optional fields present or not, numbers of every kind. */
const data = fc.record(
  {
    amount: fc.oneof(fc.double({ noNaN: true }), fc.integer()),
    count: fc.integer(),
    note: fc.string(),
    flags: fc.array(fc.boolean(), { maxLength: 20 }),
    owner: fc.record({ id: fc.string() }, { requiredKeys: [] }),
  },
  { requiredKeys: ['amount'] },
);

const CONDITIONS = [
  'data.amount > 1000',
  'data.amount / data.amount >= 1.0',
  'int(data.count) % 2 == 0',
  'data.count + 1.0 > data.count',
  'data.note.matches("^(a+)+$")',
  'size(data.note) > 3 && data.note.startsWith("x")',
  'data.flags.all(f, f) || data.flags.exists_one(f, !f)',
  'data.flags[0]',
  'data.owner.id == actor.id',
  'int(data.amount) > 3',
  'double(data.count) > data.amount',
].map((source): CompiledCondition => {
  const result = compileCondition(source, { data: DATA_SCHEMA });
  if (!result.ok) throw new Error(`${source}: ${JSON.stringify(result.problems)}`);
  return result.condition;
});

const bindings = (value: unknown) => ({
  data: value,
  actor: { id: 'bob', roles: [] },
  instance: { state: 'open', initiatorId: 'alice', createdAt: new Date(0), enteredAt: new Date(0) },
});

describe('conditions (properties)', () => {
  it('never throw on any data the schema accepts, and always give a verdict', () => {
    fc.assert(
      fc.property(data, fc.constantFrom(...CONDITIONS), (value, condition) => {
        const verdict = evaluateCondition(condition, bindings(value));
        expect(typeof verdict.met).toBe('boolean');
      }),
      { numRuns: 500 },
    );
  });

  it('a definition whose condition reads an undeclared field never publishes', () => {
    const declared = new Set(['amount', 'count', 'note', 'flags', 'owner']);
    const field = fc
      .stringMatching(/^[a-z][a-zA-Z0-9_]{0,10}$/)
      .filter((name) => !declared.has(name) && !RESERVED.has(name));
    fc.assert(
      fc.property(
        field,
        fc.constantFrom('data.%s == 1', 'has(data.%s)', 'data.owner.%s == "x"', 'input.%s > 1'),
        (name, shape) => {
          const result = validateDefinition({
            key: 'conditions',
            title: 'Conditions',
            dataSchema: DATA_SCHEMA,
            states: [
              { name: 'open', initial: true },
              { name: 'done', terminal: true },
            ],
            transitions: [{ name: 'finish', from: 'open', to: 'done', when: shape.replace('%s', name) }],
          });
          expect(result.valid).toBe(false);
          if (!result.valid) {
            expect(result.violations).toContainEqual(
              expect.objectContaining({ pointer: '/transitions/0/when', code: 'unknown_field' }),
            );
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

/** CEL's reserved words and keywords cannot be field names after a dot. */
const RESERVED = new Set([
  'as',
  'break',
  'const',
  'continue',
  'else',
  'for',
  'function',
  'if',
  'import',
  'let',
  'loop',
  'package',
  'namespace',
  'return',
  'var',
  'void',
  'while',
  'in',
  'null',
  'true',
  'false',
]);

import { validateDefinition } from '../definition/definition-validator';
import type { WorkflowDefinition } from '../definition/workflow-definition';
import { ACCESS_REQUEST_DEFINITION } from '../examples/access-request';
import { PURCHASE_REQUEST_DEFINITION } from '../examples/purchase-request';
import { validateData } from './validate-data';

function definitionOf(document: unknown): WorkflowDefinition {
  const result = validateDefinition(document);
  if (!result.valid) throw new Error(JSON.stringify(result.violations));
  return result.definition;
}

const purchase = definitionOf(PURCHASE_REQUEST_DEFINITION);
const access = definitionOf(ACCESS_REQUEST_DEFINITION);
const schemaless = definitionOf({
  key: 'checklist',
  title: 'Checklist',
  states: [
    { name: 'open', initial: true },
    { name: 'done', terminal: true },
  ],
  transitions: [{ name: 'finish', from: 'open', to: 'done' }],
});

describe('validateData', () => {
  it('accepts data matching the schema', () => {
    expect(validateData(purchase, { amount: 120, currency: 'EUR', description: 'Two monitors' })).toEqual({
      valid: true,
    });
  });

  it.each<[string, WorkflowDefinition, unknown, [string, string][]]>([
    ['a missing field and a non-positive amount', purchase, { amount: 0, description: 'x' }, [['/data/currency', 'required'], ['/data/amount', 'exclusiveMinimum']]], // prettier-ignore
    ['a lowercase currency and an unknown field', purchase, { amount: 1, currency: 'eur', description: 'x', colour: 'red' }, [['/data/colour', 'additionalProperties'], ['/data/currency', 'pattern']]], // prettier-ignore
    ['an unknown field whose name needs escaping', purchase, { amount: 1, currency: 'EUR', description: 'x', 'a/b~c': 1 }, [['/data/a~1b~0c', 'additionalProperties']]], // prettier-ignore
    ['no data at all', purchase, undefined, [['/data', 'type']]],
    ['a date that does not exist', access, { resource: 'erp', accessLevel: 'read', justification: 'month-end close', until: '2025-02-30' }, [['/data/until', 'format']]], // prettier-ignore
    ['an access level outside the enum', access, { resource: 'erp', accessLevel: 'root', justification: 'month-end close' }, [['/data/accessLevel', 'enum']]], // prettier-ignore
    ['data for a definition that declares none', schemaless, { anything: true }, [['/data', 'unexpected_payload']]],
  ])('reports %s', (_name, definition, data, expected) => {
    const result = validateData(definition, data);
    expect(result.valid ? [] : result.errors.map(({ pointer, code }) => [pointer, code])).toEqual(expected);
  });

  it.each([undefined, null, {}])('accepts %j for a definition that declares no data', (data) => {
    expect(validateData(schemaless, data)).toEqual({ valid: true });
  });
});

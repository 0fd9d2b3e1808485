import type { AuthorityRule } from '../authority/authority-rules';
import { buildInstanceListQuery, type InstanceListFilter } from './instance-list-query';

const ME = '5f0c2b1e-8d4a-4c55-9d6e-0f1a2b3c4d5e';
const RULE: AuthorityRule = {
  key: 'purchase-request',
  version: 2,
  states: ['submitted'],
  transition: 'approve',
  actor: 'assignee',
  notInitiator: true,
  notPrevious: [],
  quorum: 1,
};
const AFTER = { createdAt: '2026-12-01T10:00:00.000Z', id: '00000000-0000-4000-8000-000000000001' };

/**
 * The list's SQL, as PostgreSQL receives it, is kept as a snapshot so a change to it shows in
 * review (docs/workflows.md "Who may do what" explains the branches); the rest checks what the
 * snapshot cannot say on its own: values travel as parameters, never in the text.
 */
describe('buildInstanceListQuery', () => {
  const visible: InstanceListFilter['scope'] = {
    kind: 'visible',
    userId: ME,
    rules: [RULE],
    heldRoles: ['viewer', 'requester', 'approver'],
    openPlaces: [{ key: 'suggestions', version: 1, state: 'open' }],
  };
  const waiting: InstanceListFilter['scope'] = {
    kind: 'waiting',
    userId: ME,
    rules: [RULE],
    heldRoles: ['viewer', 'requester', 'approver'],
    queuePlaces: [],
  };

  it.each<[string, InstanceListFilter]>([
    ['everything (admins and auditors)', { scope: { kind: 'everything' }, limit: 51 }],
    ['what a person may see, every filter, after a cursor', { scope: visible, definitionKey: 'purchase-request', state: 'submitted', initiatorId: ME, after: AFTER, limit: 51 }], // prettier-ignore
    ['what a person may see, no open definitions', { scope: { ...visible, openPlaces: [] }, limit: 51 }],
    ['waiting for me', { scope: waiting, limit: 51 }],
    ['waiting for me, with role queues', { scope: { ...waiting, queuePlaces: [{ key: 'purchase-request', version: 2, state: 'submitted' }] }, limit: 51 }], // prettier-ignore
  ])('%s', (_name, filter) => {
    expect(buildInstanceListQuery(filter).text).toMatchSnapshot();
  });

  it.each<[string, InstanceListFilter['scope']]>([
    ['what a person may see', visible],
    ['waiting for me', waiting],
    ['waiting for me, with role queues', { ...waiting, queuePlaces: [{ key: 'purchase-request', version: 2, state: 'submitted' }] }], // prettier-ignore
  ])('%s: sends every value as a parameter, the rules as one JSON document', (_name, scope) => {
    const { text, values } = buildInstanceListQuery({
      scope,
      definitionKey: "x'; DROP TABLE users; --",
      state: 'submitted',
      after: AFTER,
      limit: 51,
    });
    expect(text).not.toContain('DROP TABLE');
    expect(text).not.toContain(ME);
    expect(text).not.toContain('purchase-request');
    expect(values).toContain(ME);
    expect(values).toContain(JSON.stringify([RULE]));
    // Every placeholder has a value and every value a placeholder.
    const placeholders = new Set([...text.matchAll(/\$(\d+)/g)].map((match) => Number(match[1])));
    expect([...placeholders].sort((a, b) => a - b)).toEqual(values.map((_, index) => index + 1));
  });

  it('keeps the same text for any number of rules and queued places, so PostgreSQL sees one statement shape', () => {
    const queue = { key: 'purchase-request', version: 2, state: 'submitted' };
    const few = buildInstanceListQuery({ scope: { ...waiting, queuePlaces: [queue] }, limit: 10 });
    const many = buildInstanceListQuery({
      scope: {
        ...waiting,
        rules: Array.from({ length: 500 }, (_, i) => ({ ...RULE, version: i })),
        queuePlaces: Array.from({ length: 50 }, (_, i) => ({ ...queue, version: i })),
      },
      limit: 10,
    });
    expect(many.text).toBe(few.text);
  });
});

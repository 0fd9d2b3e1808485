import { ACCESS_REQUEST_DEFINITION } from '../examples/access-request';
import { validateDefinition } from './definition-validator';
import { toMermaid } from './mermaid-diagram';
import type { WorkflowDefinition } from './workflow-definition';

function definitionOf(document: unknown): WorkflowDefinition {
  const result = validateDefinition(document);
  if (!result.valid) throw new Error(JSON.stringify(result.violations));
  return result.definition;
}

describe('toMermaid', () => {
  const review = definitionOf({
    key: 'review',
    title: 'Review',
    states: [
      { name: 'draft', title: 'Draft "v1"', initial: true },
      { name: 'in_review' },
      { name: 'done', title: 'Done', terminal: true },
      { name: 'dropped', terminal: true },
    ],
    transitions: [
      { name: 'submit', from: 'draft', to: 'in_review', actor: 'initiator' },
      { name: 'approve', from: 'in_review', to: 'done', quorum: 2, stepUp: true, actor: 'assignee' },
      { name: 'sign_off', from: 'in_review', to: 'done', stepUp: true },
      { name: 'countersign', from: 'in_review', to: 'done', quorum: 3 },
      { name: 'drop', from: ['draft', 'in_review'], to: 'dropped' },
    ],
  });

  it('writes the whole diagram, line by line, in definition order', () => {
    expect(toMermaid(review).split('\n')).toEqual([
      'stateDiagram-v2',
      `    state "Draft 'v1'" as draft`,
      '    state "Done" as done',
      '    [*] --> draft',
      '    draft --> in_review : submit (initiator only)',
      '    in_review --> done : approve (assignee only, 2 approvals, step-up)',
      '    in_review --> done : sign_off (step-up)',
      '    in_review --> done : countersign (3 approvals)',
      '    draft --> dropped : drop',
      '    in_review --> dropped : drop',
      '    done --> [*]',
      '    dropped --> [*]',
      '',
    ]);
  });

  it('is deterministic', () => {
    expect(toMermaid(review)).toBe(toMermaid(definitionOf(JSON.parse(JSON.stringify(review)))));
  });

  it.each([
    ['a double quote', 'Say "hi"', "Say 'hi'"],
    ['line breaks and tabs', 'Two\nlines\r\tand a tab', 'Two lines and a tab'],
    ['a line separator', 'One\u2028two', 'One two'],
    ['markup and entity codes', '<b>Bold</b> #quot;', 'b Bold /b quot;'],
    ['surrounding space', '  Spaced  out  ', 'Spaced out'],
  ])('makes a title with %s safe inside the quoted label', (_name, title, label) => {
    const definition = definitionOf({
      key: 'titles',
      title: 'Titles',
      states: [{ name: 'only', title, initial: true, terminal: true }],
      transitions: [],
    });
    expect(toMermaid(definition).split('\n')[1]).toBe(`    state "${label}" as only`);
  });

  it('leaves a state under its name when its title has nothing printable', () => {
    const definition = definitionOf({
      key: 'titles',
      title: 'Titles',
      states: [{ name: 'only', title: '<#>', initial: true, terminal: true }],
      transitions: [],
    });
    expect(toMermaid(definition)).toBe('stateDiagram-v2\n    [*] --> only\n    only --> [*]\n');
  });

  it('draws the access request example with one line per (from, transition)', () => {
    const lines = toMermaid(definitionOf(ACCESS_REQUEST_DEFINITION)).split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        '    [*] --> requested',
        '    requested --> approved : approve (step-up)',
        '    requested --> rejected : reject',
        '    approved --> rejected : reject',
        '    approved --> provisioned : provision (step-up)',
        '    provisioned --> [*]',
        '    note right of requested : assigned to the user in data /ownerId',
      ]),
    );
    expect(lines.filter((line) => line.includes(' --> ') && !line.includes('[*]'))).toHaveLength(7);
  });

  it('shows a condition on its edge, with the characters Mermaid reads as markup as entity codes', () => {
    const definition = definitionOf({
      key: 'routed',
      title: 'Routed',
      dataSchema: { type: 'object', properties: { amount: { type: 'number' }, note: { type: 'string' } } },
      states: [
        { name: 'open', initial: true },
        { name: 'done', terminal: true },
      ],
      transitions: [{ name: 'finish', from: 'open', to: 'done', when: 'data.amount > 1000.0 && data.note != "a#b;"' }],
    });
    expect(toMermaid(definition)).toContain(
      'open --> done : finish [data.amount #gt; 1000.0 && data.note != #quot;a#35;b#59;#quot;]',
    );
  });

  it('marks automatic transitions on their edges', () => {
    const definition = definitionOf({
      key: 'auto',
      title: 'Auto',
      dataSchema: { type: 'object', properties: { amount: { type: 'number' } } },
      states: [
        { name: 'open', initial: true, assignTo: { initiator: true } },
        { name: 'big', terminal: true },
        { name: 'small', terminal: true },
      ],
      transitions: [
        { name: 'large', from: 'open', to: 'big', auto: true, when: 'data.amount > 1000' },
        { name: 'other', from: 'open', to: 'small', auto: true },
      ],
    });
    expect(toMermaid(definition).split('\n')).toEqual(
      expect.arrayContaining([
        '    open --> big : large (automatic) [data.amount #gt; 1000]',
        '    open --> small : other (automatic)',
        '    note right of open : assigned to the initiator',
      ]),
    );
  });

  it('notes a role queue beside its state', () => {
    const definition = definitionOf({
      key: 'queue',
      title: 'Queue',
      states: [
        { name: 'open', initial: true, assignTo: { role: 'approver' } },
        { name: 'done', terminal: true },
      ],
      transitions: [{ name: 'close', from: 'open', to: 'done', role: 'approver', actor: 'assignee' }],
    });
    expect(toMermaid(definition).split('\n')).toContain('    note right of open : assigned to role approver');
  });
});

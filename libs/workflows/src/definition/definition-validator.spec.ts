import { compiledSchemasOf } from './compiled-schemas';
import { validateDefinition } from './definition-validator';
import type { ViolationCode } from './definition-violation';
import type { WorkflowDefinition } from './workflow-definition';

type Entry = Record<string, unknown>;
interface Doc extends Entry {
  states: Entry[];
  transitions: Entry[];
}

/** A small valid document; every transition and state is needed except where a row says so. */
function leaveRequest(): Doc {
  return {
    key: 'leave-request',
    title: 'Leave request',
    states: [
      { name: 'draft', title: 'Draft', initial: true },
      { name: 'submitted' },
      { name: 'approved', terminal: true },
      { name: 'rejected', terminal: true },
    ],
    transitions: [
      { name: 'submit', from: 'draft', to: 'submitted', role: 'requester' },
      {
        name: 'approve',
        from: 'submitted',
        to: 'approved',
        role: 'approver',
        stepUp: true,
        separationOfDuties: { notInitiator: true, notPreviousActorOf: ['submit'] },
        quorum: 2,
        input: { type: 'object' },
      },
      { name: 'reject', from: 'submitted', to: 'rejected', role: 'approver' },
      { name: 'withdraw', from: ['draft', 'submitted'], to: 'rejected', timer: 'P3D' },
    ],
  };
}

function changed(change: (document: Doc) => void): Doc {
  const document = leaveRequest();
  change(document);
  return document;
}

function violationsOf(document: unknown): [string, ViolationCode][] {
  const result = validateDefinition(document);
  return result.valid ? [] : result.violations.map(({ pointer, code }) => [pointer, code]);
}

function nested(depth: number): Entry {
  let schema: Entry = { type: 'string' };
  for (let level = 0; level < depth; level += 1) schema = { not: schema };
  return schema;
}

describe('validateDefinition', () => {
  it('accepts the base document', () => {
    expect(violationsOf(leaveRequest())).toEqual([]);
  });

  describe('reports each kind of violation at its exact pointer', () => {
    it.each<[string, unknown, [string, ViolationCode][]]>([
      ['a document that is an array', [], [['', 'invalid_type']]],
      ['a document that is null', null, [['', 'invalid_type']]],
      ['a document that is a string', 'purchase-request', [['', 'invalid_type']]],
      ['a missing title', changed((d) => delete d.title), [['/title', 'missing_property']]],
      ['a title set to undefined, which counts as missing', changed((d) => (d.title = undefined)), [['/title', 'missing_property']]], // prettier-ignore
      ['a missing transition target', changed((d) => delete d.transitions[3].to), [['/transitions/3/to', 'missing_property']]], // prettier-ignore
      ['a key that is a number', changed((d) => (d.key = 42)), [['/key', 'invalid_type']]],
      ['a stepUp that is a string', changed((d) => (d.transitions[1].stepUp = 'yes')), [['/transitions/1/stepUp', 'invalid_type']]], // prettier-ignore
      ['a from that is a number', changed((d) => (d.transitions[3].from = 7)), [['/transitions/3/from', 'invalid_type']]], // prettier-ignore
      ['a from entry that is a number', changed((d) => (d.transitions[3].from = ['draft', 7])), [['/transitions/3/from/1', 'invalid_type']]], // prettier-ignore
      ['a to that is an object', changed((d) => (d.transitions[3].to = { name: 'rejected' })), [['/transitions/3/to', 'invalid_type']]], // prettier-ignore
      ['a state that is a string', changed((d) => d.states.push('archived' as unknown as Entry)), [['/states/4', 'invalid_type']]], // prettier-ignore
      ['separationOfDuties that is a list', changed((d) => (d.transitions[1].separationOfDuties = ['notInitiator'])), [['/transitions/1/separationOfDuties', 'invalid_type']]], // prettier-ignore
      ['notPreviousActorOf that is a string', changed((d) => (d.transitions[1].separationOfDuties = { notPreviousActorOf: 'submit' })), [['/transitions/1/separationOfDuties/notPreviousActorOf', 'invalid_type']]], // prettier-ignore
      ['a role that is a list', changed((d) => (d.transitions[0].role = ['requester'])), [['/transitions/0/role', 'invalid_type']]], // prettier-ignore
      ['a timer that is a number', changed((d) => (d.transitions[3].timer = 3)), [['/transitions/3/timer', 'invalid_type']]], // prettier-ignore
      ['a quorum that is a string', changed((d) => (d.transitions[1].quorum = '2')), [['/transitions/1/quorum', 'invalid_type']]], // prettier-ignore
      ['a quorum that is a fraction', changed((d) => (d.transitions[1].quorum = 2.5)), [['/transitions/1/quorum', 'invalid_type']]], // prettier-ignore
      ['an unknown property at the top', changed((d) => (d.colour = 'blue')), [['/colour', 'unknown_property']]],
      ['an unknown property in a state', changed((d) => (d.states[0].colour = 'blue')), [['/states/0/colour', 'unknown_property']]], // prettier-ignore
      ['an unknown property in a transition', changed((d) => (d.transitions[1].assignee = 'x')), [['/transitions/1/assignee', 'unknown_property']]], // prettier-ignore
      ['a misspelt separation rule', changed((d) => (d.transitions[1].separationOfDuties = { notInitator: true })), [['/transitions/1/separationOfDuties/notInitator', 'unknown_property']]], // prettier-ignore
      ['an unknown property named with a slash and a tilde', changed((d) => (d['a/b~c'] = 1)), [['/a~1b~0c', 'unknown_property']]], // prettier-ignore
      ['a key with capitals and an underscore', changed((d) => (d.key = 'Leave_Request')), [['/key', 'invalid_key']]],
      ['a key of one character', changed((d) => (d.key = 'l')), [['/key', 'invalid_key']]],
      ['a transition name with a capital', changed((d) => (d.transitions[2].name = 'Reject')), [['/transitions/2/name', 'invalid_name']]], // prettier-ignore
      ['a transition name with a hyphen', changed((d) => (d.transitions[2].name = 'say-no')), [['/transitions/2/name', 'invalid_name']]], // prettier-ignore
      ['a state name with a capital, which its references still find', changed((d) => { d.states[3].name = 'Rejected'; d.transitions[2].to = 'Rejected'; d.transitions[3].to = 'Rejected'; }), [['/states/3/name', 'invalid_name']]], // prettier-ignore
      ['an empty title', changed((d) => (d.title = '')), [['/title', 'invalid_length']]],
      ['a title of 201 characters', changed((d) => (d.title = 'x'.repeat(201))), [['/title', 'invalid_length']]],
      ['a state title of 201 characters', changed((d) => (d.states[1].title = 'é'.repeat(201))), [['/states/1/title', 'invalid_length']]], // prettier-ignore
      ['a transition title that is empty', changed((d) => (d.transitions[0].title = '')), [['/transitions/0/title', 'invalid_length']]], // prettier-ignore
      ['a description of 2001 characters', changed((d) => (d.description = 'x'.repeat(2001))), [['/description', 'invalid_length']]], // prettier-ignore
      ['an empty from list', changed((d) => (d.transitions[3].from = [])), [['/transitions/3/from', 'too_few_items']]], // prettier-ignore
      ['a quorum of 0', changed((d) => (d.transitions[1].quorum = 0)), [['/transitions/1/quorum', 'out_of_range']]],
      ['a quorum of 21', changed((d) => (d.transitions[1].quorum = 21)), [['/transitions/1/quorum', 'out_of_range']]],
      ['a timer in words', changed((d) => (d.transitions[3].timer = '3 days')), [['/transitions/3/timer', 'invalid_duration']]], // prettier-ignore
      ['a timer of zero', changed((d) => (d.transitions[3].timer = 'PT0S')), [['/transitions/3/timer', 'invalid_duration']]], // prettier-ignore
      ['a role that does not exist', changed((d) => (d.transitions[0].role = 'manager')), [['/transitions/0/role', 'unknown_role']]], // prettier-ignore
      ['a role in capitals', changed((d) => (d.transitions[0].role = 'Requester')), [['/transitions/0/role', 'unknown_role']]], // prettier-ignore
      ['an actor rule that does not exist', changed((d) => (d.transitions[0].actor = 'manager')), [['/transitions/0/actor', 'unknown_actor']]], // prettier-ignore
      ['an actor rule that is not a string', changed((d) => (d.transitions[0].actor = ['initiator'])), [['/transitions/0/actor', 'invalid_type']]], // prettier-ignore
      ['only the initiator, and never the initiator', changed((d) => (d.transitions[1].actor = 'initiator')), [['/transitions/1/actor', 'contradictory_rules']]], // prettier-ignore
      ['a visibility that does not exist', changed((d) => (d.visibility = 'everyone')), [['/visibility', 'unknown_visibility']]], // prettier-ignore
      ['a visibility that is not a string', changed((d) => (d.visibility = true)), [['/visibility', 'invalid_type']]], // prettier-ignore
      ['an input schema with a wrong type name', changed((d) => (d.transitions[1].input = { type: 'objekt' })), [['/transitions/1/input/type', 'invalid_schema']]], // prettier-ignore
      ['an input schema with a negative minLength', changed((d) => (d.transitions[1].input = { type: 'string', minLength: -1 })), [['/transitions/1/input/minLength', 'invalid_schema']]], // prettier-ignore
      ['an input schema with a misspelt keyword (strict mode)', changed((d) => (d.transitions[1].input = { type: 'number', minimun: 1 })), [['/transitions/1/input', 'invalid_schema']]], // prettier-ignore
      ['an input schema with properties but no type (strict mode)', changed((d) => (d.transitions[1].input = { properties: { a: { type: 'string' } } })), [['/transitions/1/input', 'invalid_schema']]], // prettier-ignore
      ['an input schema with an unknown format', changed((d) => (d.transitions[1].input = { type: 'string', format: 'colour' })), [['/transitions/1/input', 'invalid_schema']]], // prettier-ignore
      ['an input schema with a broken pattern', changed((d) => (d.transitions[1].input = { type: 'string', pattern: '(' })), [['/transitions/1/input/pattern', 'invalid_schema']]], // prettier-ignore
      ['a pattern with a backreference (no linear-time engine runs one)', changed((d) => (d.transitions[1].input = { type: 'string', pattern: '^(a)\\1$' })), [['/transitions/1/input/pattern', 'invalid_schema']]], // prettier-ignore
      ['a pattern with lookahead, deep in the schema', changed((d) => (d.dataSchema = { type: 'object', properties: { codes: { type: 'array', items: { anyOf: [{ type: 'string', pattern: '^(?=x)' }] } } } })), [['/dataSchema/properties/codes/items/anyOf/0/pattern', 'invalid_schema']]], // prettier-ignore
      ['a patternProperties name with lookbehind, pointed at by its name', changed((d) => (d.dataSchema = { type: 'object', patternProperties: { '(?<=a)/b': { type: 'string' } } })), [['/dataSchema/patternProperties/(?<=a)~1b', 'invalid_schema']]], // prettier-ignore
      ['an input schema of another dialect', changed((d) => (d.transitions[1].input = { $schema: 'http://json-schema.org/draft-07/schema#' })), [['/transitions/1/input', 'invalid_schema']]], // prettier-ignore
      ['an input schema that is a boolean', changed((d) => (d.transitions[1].input = true)), [['/transitions/1/input', 'invalid_type']]], // prettier-ignore
      ['a data schema requiring an undeclared property (strict mode)', changed((d) => (d.dataSchema = { type: 'object', required: ['amount'] })), [['/dataSchema', 'invalid_schema']]], // prettier-ignore
      ['a data schema with a non-finite number', changed((d) => (d.dataSchema = { type: 'number', maximum: Infinity })), [['/dataSchema/maximum', 'invalid_schema']]], // prettier-ignore
      ['a remote $ref, which is never fetched', changed((d) => (d.transitions[1].input = { $ref: 'https://example.com/schema.json' })), [['/transitions/1/input', 'unresolved_schema_ref']]], // prettier-ignore
      ['a local $ref to nothing', changed((d) => (d.dataSchema = { $ref: '#/$defs/missing' })), [['/dataSchema', 'unresolved_schema_ref']]], // prettier-ignore
      ['a schema nested 65 levels deep', changed((d) => (d.transitions[1].input = nested(65))), [['/transitions/1/input' + '/not'.repeat(64), 'schema_too_deep']]], // prettier-ignore
      ['a repeated state name', changed((d) => d.states.push({ name: 'submitted' })), [['/states/4/name', 'duplicate_state']]], // prettier-ignore
      ['a repeated transition name', changed((d) => (d.transitions[3].name = 'reject')), [['/transitions/3/name', 'duplicate_transition']]], // prettier-ignore
      ['a state listed twice in from', changed((d) => (d.transitions[3].from = ['draft', 'draft'])), [['/transitions/3/from/1', 'duplicate_reference']]], // prettier-ignore
      ['a transition listed twice in notPreviousActorOf', changed((d) => (d.transitions[1].separationOfDuties = { notPreviousActorOf: ['submit', 'submit'] })), [['/transitions/1/separationOfDuties/notPreviousActorOf/1', 'duplicate_reference']]], // prettier-ignore
      ['a from naming no state', changed((d) => (d.transitions[3].from = ['draft', 'submited'])), [['/transitions/3/from/1', 'unknown_state']]], // prettier-ignore
      ['a to naming no state, leaving its target unreachable', changed((d) => (d.transitions[1].to = 'approvd')), [['/transitions/1/to', 'unknown_state'], ['/states/2', 'unreachable_state']]], // prettier-ignore
      ['notPreviousActorOf naming no transition', changed((d) => (d.transitions[1].separationOfDuties = { notPreviousActorOf: ['sumbit'] })), [['/transitions/1/separationOfDuties/notPreviousActorOf/0', 'unknown_transition']]], // prettier-ignore
      ['no initial state', changed((d) => (d.states[0].initial = false)), [['/states', 'no_initial_state']]],
      ['two initial states', changed((d) => (d.states[1].initial = true)), [['/states/0/initial', 'multiple_initial_states'], ['/states/1/initial', 'multiple_initial_states']]], // prettier-ignore
      ['no terminal state', changed((d) => { d.states[2].terminal = false; d.states[3].terminal = false; }), [['/states', 'no_terminal_state']]], // prettier-ignore
      ['a state nothing leads to', changed((d) => d.states.push({ name: 'archived', terminal: true })), [['/states/4', 'unreachable_state']]], // prettier-ignore
      ['a state reachable only through a terminal one', changed((d) => { d.states.push({ name: 'archived', terminal: true }); d.transitions.push({ name: 'archive', from: 'approved', to: 'archived' }); }), [['/transitions/4/from', 'transition_from_terminal'], ['/states/4', 'unreachable_state']]], // prettier-ignore
      ['a state with no way out to a terminal one', changed((d) => { d.states.push({ name: 'parked' }); d.transitions.push({ name: 'park', from: 'submitted', to: 'parked' }, { name: 'wait', from: 'parked', to: 'parked' }); }), [['/states/4', 'no_path_to_terminal']]], // prettier-ignore
      ['a transition leaving a terminal state (from a list)', changed((d) => (d.transitions[3].from = ['draft', 'approved'])), [['/transitions/3/from/1', 'transition_from_terminal']]], // prettier-ignore
      ['a transition leaving a terminal state (from a name)', changed((d) => d.transitions.push({ name: 'reopen', from: 'rejected', to: 'draft' })), [['/transitions/4/from', 'transition_from_terminal']]], // prettier-ignore
    ])('%s', (_name, document, expected) => {
      expect(violationsOf(document)).toEqual(expected);
    });
  });

  describe('schema patterns', () => {
    it.each<[string, unknown]>([
      [
        'a property named pattern',
        { type: 'object', properties: { pattern: { type: 'string', pattern: '^[a-z]+$' } } },
      ],
      ['a lookahead in data, not a keyword', { type: 'object', properties: { rule: { const: { pattern: '(?=x)' } } } }],
      ['ECMAScript escapes RE2 spells otherwise', { type: 'string', pattern: '^\\u00e9(?<rest>\\/\\d+)$' }],
      ['patternProperties RE2 runs', { type: 'object', patternProperties: { '^x-[a-z]+$': { type: 'string' } } }],
    ])('accepts %s', (_name, schema) => {
      expect(violationsOf(changed((d) => (d.dataSchema = schema)))).toEqual([]);
    });

    it('validates data with the linear engine, so a hostile pattern cannot stall a transition', () => {
      const result = validateDefinition(changed((d) => (d.dataSchema = { type: 'string', pattern: '^(a+)+$' })));
      if (!result.valid) throw new Error('expected a valid definition');
      // ECMAScript's RegExp backtracks for seconds on 30 characters of this; 100,000 is one pass here.
      const validateData = compiledSchemasOf(result.definition).data;
      expect(validateData?.(`${'a'.repeat(100_000)}!`)).toBe(false);
      expect(validateData?.('a'.repeat(100_000))).toBe(true);
    });
  });

  describe('limits', () => {
    const chain = (length: number): Doc => ({
      key: 'long-chain',
      title: 'Long chain',
      states: Array.from({ length }, (_, index) => ({
        name: `s${index}`,
        initial: index === 0,
        terminal: index === length - 1,
      })),
      transitions: Array.from({ length: length - 1 }, (_, index) => ({
        name: `t${index}`,
        from: `s${index}`,
        to: `s${index + 1}`,
      })),
    });

    it('accepts 100 states', () => {
      expect(violationsOf(chain(100))).toEqual([]);
    });

    it('reports 101 states once, at the list', () => {
      expect(violationsOf(chain(101))).toEqual([['/states', 'too_many_items']]);
    });

    it('accepts 200 transitions and reports 201 at the list', () => {
      const withTransitions = (count: number): Doc =>
        changed((d) => {
          for (let index = 0; index < count - 4; index += 1) d.transitions.push({ name: `also_${index}`, from: 'draft', to: 'rejected' }); // prettier-ignore
        });
      expect(violationsOf(withTransitions(200))).toEqual([]);
      expect(violationsOf(withTransitions(201))).toEqual([['/transitions', 'too_many_items']]);
    });

    it('reports a from list longer than 100 entries', () => {
      const from = Array.from({ length: 101 }, (_, index) => `s${index}`);
      const document = changed((d) => (d.transitions[3].from = from));
      expect(violationsOf(document)).toContainEqual(['/transitions/3/from', 'too_many_items']);
    });

    it('accepts a schema nested 64 levels deep', () => {
      expect(violationsOf(changed((d) => (d.transitions[1].input = nested(63))))).toEqual([]);
    });
  });

  it('reports every violation of a document with many, in document order then graph order', () => {
    const document = {
      key: 'Bad Key',
      title: '',
      extra: true,
      states: [
        { name: 'start', initial: true, colour: 'red' },
        { name: 'start' },
        { name: 'done', terminal: true },
        { name: 'lost' },
      ],
      transitions: [
        { name: 'go', from: 'start', to: 'done', quorum: 0, role: 'boss', timer: 'tomorrow' },
        { name: 'go', from: ['start', 'nowhere'], to: 'done', input: { type: 'objekt' } },
        { name: 'back', from: 'done', to: 'start', separationOfDuties: { notPreviousActorOf: ['went'] } },
      ],
    };
    expect(violationsOf(document)).toEqual([
      ['/extra', 'unknown_property'],
      ['/key', 'invalid_key'],
      ['/title', 'invalid_length'],
      ['/states/0/colour', 'unknown_property'],
      ['/transitions/0/role', 'unknown_role'],
      ['/transitions/0/quorum', 'out_of_range'],
      ['/transitions/0/timer', 'invalid_duration'],
      ['/transitions/1/input/type', 'invalid_schema'],
      ['/states/1/name', 'duplicate_state'],
      ['/transitions/1/name', 'duplicate_transition'],
      ['/transitions/1/from/1', 'unknown_state'],
      ['/transitions/2/separationOfDuties/notPreviousActorOf/0', 'unknown_transition'],
      ['/transitions/2/from', 'transition_from_terminal'],
      ['/states/3', 'unreachable_state'],
      ['/states/3', 'no_path_to_terminal'],
    ]);
  });

  it('gives every violation a readable detail', () => {
    const result = validateDefinition({ key: 1, title: 2, states: 3, transitions: 4, more: 5 });
    expect(result.valid).toBe(false);
    if (!result.valid) {
      for (const violation of result.violations) expect(violation.detail.length).toBeGreaterThan(5);
    }
  });

  describe('never throws', () => {
    const COULD_NOT_READ = 'the document could not be read as JSON';
    const THROWS_WHEN_READ = ['a proxy whose keys throw', 'a property whose getter throws'];
    const cyclic: Entry = { type: 'object' };
    cyclic.properties = { self: cyclic };
    let deepArray: unknown = [];
    for (let level = 0; level < 100_000; level += 1) deepArray = [deepArray];
    const throwing = new Proxy({}, { ownKeys: () => { throw new Error('no'); } }); // prettier-ignore
    const withThrowingGetter = Object.defineProperty({}, 'key', { enumerable: true, get: () => { throw new Error('no'); } }); // prettier-ignore

    it.each<[string, unknown]>([
      ['undefined', undefined],
      ['NaN', NaN],
      ['a bigint', 10n],
      ['a symbol', Symbol('definition')],
      ['a function', () => undefined],
      ['a date', new Date(0)],
      ['a map', new Map([['key', 'x']])],
      ['an object without prototype', Object.create(null)],
      ['null everywhere', { key: null, title: null, states: null, transitions: null }],
      ['junk entries', { key: 'ab', title: 'x', states: [null, 1, 'x', [], {}], transitions: [null, { from: {} }, []] }], // prettier-ignore
      ['a sparse states list', { key: 'ab', title: 'x', states: new Array(3), transitions: [] }],
      ['a prototype-polluting key', JSON.parse('{"__proto__": {"initial": true}, "key": "ab"}')],
      ['states named after Object.prototype members', { key: 'ab', title: 'x', states: [{ name: 'constructor', initial: true }, { name: 'to_string', terminal: true }], transitions: [{ name: 'constructor', from: 'constructor', to: 'to_string', separationOfDuties: { notPreviousActorOf: ['hasOwnProperty'] } }] }], // prettier-ignore
      ['a nesting 100,000 arrays deep', { key: 'ab', title: 'x', states: deepArray, transitions: deepArray }],
      ['an input schema nested 100,000 levels deep', changed((d) => (d.transitions[1].input = nested(100_000)))],
      ['a cyclic input schema', changed((d) => (d.transitions[1].input = cyclic))],
      ['a schema holding a function', changed((d) => (d.transitions[1].input = { type: 'object', default: () => 1 }))],
      ['a proxy whose keys throw', throwing],
      ['a property whose getter throws', withThrowingGetter],
    ])('on %s', (name, document) => {
      const result = validateDefinition(document);
      expect(result.valid).toBe(false);
      if (result.valid) return;
      expect(result.violations.length).toBeGreaterThan(0);
      // The catch-all verdict is for objects that throw when read; data must get real violations,
      // so a reader bug (a TypeError on some shape) cannot hide behind it.
      const caughtAll = result.violations.some((violation) => violation.detail === COULD_NOT_READ);
      expect({ name, caughtAll }).toEqual({ name, caughtAll: THROWS_WHEN_READ.includes(name) });
    });

    it('accepts a definition whose names are Object.prototype members', () => {
      const document = {
        key: 'ab',
        title: 'x',
        states: [
          { name: 'constructor', initial: true },
          { name: 'value_of', terminal: true },
        ],
        transitions: [{ name: 'constructor', from: 'constructor', to: 'value_of' }],
      };
      expect(validateDefinition(document).valid).toBe(true);
    });
  });

  describe('on success', () => {
    function definitionOf(document: unknown): WorkflowDefinition {
      const result = validateDefinition(document);
      if (!result.valid) throw new Error(JSON.stringify(result.violations));
      return result.definition;
    }

    it('normalizes: from always a list, defaults filled, absent optional fields left out', () => {
      const definition = definitionOf(leaveRequest());
      expect(definition.states[1]).toEqual({ name: 'submitted', initial: false, terminal: false });
      expect(definition.states[0]).toEqual({ name: 'draft', title: 'Draft', initial: true, terminal: false });
      expect(definition.transitions[0]).toEqual({
        name: 'submit',
        from: ['draft'],
        to: 'submitted',
        role: 'requester',
        stepUp: false,
        separationOfDuties: { notInitiator: false, notPreviousActorOf: [] },
        quorum: 1,
      });
      expect(definition.transitions[3]).toMatchObject({ from: ['draft', 'submitted'], timer: 'P3D' });
      expect(definition.visibility).toBe('participants');
      expect(definition).not.toHaveProperty('description');
      expect(definition).not.toHaveProperty('dataSchema');
    });

    it('returns a deeply frozen copy, detached from the submitted document', () => {
      const document = changed((d) => (d.dataSchema = { type: 'object', properties: { a: { type: 'string' } } }));
      const definition = definitionOf(document);
      expect(Object.isFrozen(definition)).toBe(true);
      expect(Object.isFrozen(definition.transitions[1].separationOfDuties.notPreviousActorOf)).toBe(true);
      expect(Object.isFrozen(definition.dataSchema?.properties)).toBe(true);
      (document.dataSchema as Entry).type = 'string';
      expect(definition.dataSchema?.type).toBe('object');
    });

    it('accepts its own output again, unchanged', () => {
      const definition = definitionOf(leaveRequest());
      expect(definitionOf(JSON.parse(JSON.stringify(definition)))).toEqual(definition);
    });

    it.each<[string, unknown]>([
      ['an empty description', changed((d) => (d.description = ''))],
      ['a state both initial and terminal, with no transitions', { key: 'noop', title: 'Nothing to do', states: [{ name: 'done', initial: true, terminal: true }], transitions: [] }], // prettier-ignore
      ['a transition back to its own state', changed((d) => d.transitions.push({ name: 'comment', from: 'submitted', to: 'submitted' }))], // prettier-ignore
      ['a quorum transition with separation of duties', changed((d) => (d.transitions[2].quorum = 20))],
      ['a transition that forbids its own previous actors', changed((d) => (d.transitions[2].separationOfDuties = { notPreviousActorOf: ['reject'] }))], // prettier-ignore
      ['a schema with a local $ref and formats', changed((d) => (d.dataSchema = { type: 'object', properties: { when: { $ref: '#/$defs/day' } }, $defs: { day: { type: 'string', format: 'date' } } }))], // prettier-ignore
      ['a schema with a union type', changed((d) => (d.dataSchema = { type: ['string', 'null'] }))],
      ['the 2020-12 $schema', changed((d) => (d.dataSchema = { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object' }))], // prettier-ignore
      ['every actor rule and visibility', changed((d) => { d.visibility = 'authenticated'; d.transitions[0].actor = 'initiator'; d.transitions[2].actor = 'assignee'; })], // prettier-ignore
      ['an assignee-only transition that keeps the initiator out', changed((d) => (d.transitions[1].actor = 'assignee'))], // prettier-ignore
      ['the same $id in two documents', changed((d) => (d.dataSchema = { $id: 'https://flowgate.dev/schemas/leave', type: 'object' }))], // prettier-ignore
    ])('accepts %s', (_name, document) => {
      expect(violationsOf(document)).toEqual([]);
      expect(violationsOf(document)).toEqual([]);
    });
  });
});

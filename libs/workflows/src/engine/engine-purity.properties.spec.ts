import childProcess from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import fc from 'fast-check';
import { validateDefinition } from '../definition/definition-validator';
import type { WorkflowDefinition } from '../definition/workflow-definition';
import { validDocumentArbitrary } from '../testing/definition-arbitraries';
import { availableTransitions } from './available-transitions';
import { decide } from './decide';
import type { DecisionRequest } from './decision';

/**
 * The engine is pure (docs/workflows.md, "The engine"): a decision is a function of the request
 * alone. dependency-cruiser keeps frameworks and clients out of its imports; this spec checks the
 * behaviour itself over generated definitions and requests: no file, network, process or timer
 * call, no clock or randomness read, no change to its input (deep-frozen here: a write throws),
 * and the same answer for the same request.
 */
const USERS = ['u1', 'u2', 'u3'];

function definitionOf(document: unknown): WorkflowDefinition {
  const result = validateDefinition(document);
  if (!result.valid) throw new Error(JSON.stringify(result.violations));
  return result.definition;
}

const requestArbitrary: fc.Arbitrary<DecisionRequest> = validDocumentArbitrary.map(definitionOf).chain((definition) => {
  const names = definition.transitions.map((transition) => transition.name);
  const ids = fc.dictionary(fc.constantFrom(...names), fc.subarray(USERS));
  return fc.record({
    definition: fc.constant(definition),
    instance: fc.record({
      state: fc.constantFrom(...definition.states.map((state) => state.name)),
      initiatorId: fc.constantFrom(...USERS),
      assigneeIds: fc.subarray(USERS),
    }),
    actorsByTransition: ids,
    votes: ids,
    principal: fc.record({
      userId: fc.constantFrom(...USERS),
      roles: fc.subarray(['viewer', 'requester', 'approver', 'auditor', 'admin'] as const),
      stepUpSatisfied: fc.boolean(),
    }),
    transitionName: fc.constantFrom(...names),
    input: fc.oneof(fc.constant(undefined), fc.jsonValue({ maxDepth: 2 })),
  });
});

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** Every way out of the process a decision could take, each replaced by a call that is counted and refused. */
function trapEffects(): { calls: string[]; restore: () => void } {
  const calls: string[] = [];
  const trap = <O extends object>(owner: O, names: readonly (keyof O & string)[], label: string) =>
    names.map((name) =>
      jest.spyOn(owner, name as never).mockImplementation((): never => {
        calls.push(`${label}.${name}`);
        throw new Error(`the engine called ${label}.${name}`);
      }),
    );
  const spies = [
    ...trap(fs, ['readFileSync', 'writeFileSync', 'readFile', 'writeFile', 'openSync', 'existsSync'], 'fs'),
    ...trap(http, ['request', 'get'], 'http'),
    ...trap(https, ['request', 'get'], 'https'),
    ...trap(childProcess, ['spawn', 'exec', 'execFile', 'spawnSync', 'execSync'], 'child_process'),
    ...trap(globalThis, ['setTimeout', 'setInterval', 'setImmediate', 'fetch'], 'globalThis'),
    ...trap(Date, ['now'], 'Date'),
    ...trap(Math, ['random'], 'Math'),
    ...trap(process, ['nextTick'], 'process'),
  ];
  return { calls, restore: () => spies.forEach((spy) => spy.mockRestore()) };
}

describe('the engine stays pure (properties)', () => {
  it('decides from the request alone: no I/O, no clock or randomness, input untouched, same answer twice', () => {
    fc.assert(
      fc.property(requestArbitrary, (request) => {
        const frozen = deepFreeze(request);
        const effects = trapEffects();
        let first: unknown;
        let second: unknown;
        let offered: unknown;
        try {
          first = decide(frozen);
          second = decide(frozen);
          offered = availableTransitions(frozen);
        } finally {
          effects.restore();
        }
        expect(effects.calls).toEqual([]);
        expect(second).toEqual(first);
        expect(availableTransitions(frozen)).toEqual(offered);
      }),
      { numRuns: 200 },
    );
  });

  it('the trap itself notices an effect (so the property above can fail)', () => {
    const effects = trapEffects();
    let refused: unknown;
    try {
      Date.now();
    } catch (error) {
      refused = error;
    } finally {
      effects.restore();
    }
    expect(effects.calls).toEqual(['Date.now']);
    expect(refused).toEqual(new Error('the engine called Date.now'));
  });
});

import fc from 'fast-check';
import { ChainedEvent, GENESIS_HASH, linkHash } from './audit-link';
import { canonicalJson } from '@flowgate/core';
import { ChainBreak, ChainVerdict, ChainVerifier, ChainVerifyOptions, verifyChain } from './verify-chain';

const FROM_GENESIS: ChainVerifyOptions = { expectedFirstSeq: 1, expectedPrevHash: GENESIS_HASH };

function buildChain(bodies: Record<string, unknown>[], firstSeq = 1, prevHash = GENESIS_HASH): ChainedEvent[] {
  const events: ChainedEvent[] = [];
  bodies.forEach((body, i) => {
    const seq = firstSeq + i;
    const hash = linkHash(seq, prevHash, body);
    events.push({ seq, prevHash, hash, body });
    prevHash = hash;
  });
  return events;
}

const bodies = [1, 2, 3, 4, 5].map((n) => ({ action: 'transition', resource: `instance/${n}`, outcome: 'ok' }));
/** seq 1..5; `at(seq)` reads by seq rather than index to keep the tables legible. */
const chain = buildChain(bodies);
const at = (seq: number): ChainedEvent => chain[seq - 1];
const hashOf = (seq: number): string => at(seq).hash;

function replace(seq: number, change: (event: ChainedEvent) => ChainedEvent): ChainedEvent[] {
  return chain.map((event) => (event.seq === seq ? change(event) : event));
}
const withoutSeq = (...seqs: number[]): ChainedEvent[] => chain.filter((event) => !seqs.includes(event.seq));
const inOrder = (...seqs: number[]): ChainedEvent[] => seqs.map(at);
/** The attacker's best edit: new body, hash recomputed so the event verifies on its own. */
const forged = (seq: number): ChainedEvent[] =>
  replace(seq, (e) => {
    const body = { ...e.body, outcome: 'denied' };
    return { ...e, body, hash: linkHash(e.seq, e.prevHash, body) };
  });

describe('verifyChain', () => {
  describe('intact chains', () => {
    it.each<[string, ChainedEvent[], ChainVerifyOptions | undefined, ChainVerdict]>([
      ['no events', [], FROM_GENESIS, { valid: true, checked: 0 }],
      [
        'one event from genesis',
        chain.slice(0, 1),
        FROM_GENESIS,
        { valid: true, checked: 1, lastSeq: 1, lastHash: hashOf(1) },
      ],
      ['a whole chain from genesis', chain, FROM_GENESIS, { valid: true, checked: 5, lastSeq: 5, lastHash: hashOf(5) }],
      ['a whole chain without anchors', chain, undefined, { valid: true, checked: 5, lastSeq: 5, lastHash: hashOf(5) }],
      [
        'a range anchored on its predecessor',
        chain.slice(2),
        { expectedFirstSeq: 3, expectedPrevHash: hashOf(2) },
        { valid: true, checked: 3, lastSeq: 5, lastHash: hashOf(5) },
      ],
      [
        'a chain numbered from 0',
        buildChain(bodies.slice(0, 2), 0),
        { expectedFirstSeq: 0, expectedPrevHash: GENESIS_HASH },
        { valid: true, checked: 2, lastSeq: 1, lastHash: buildChain(bodies.slice(0, 2), 0)[1].hash },
      ],
    ])('%s', (_name, events, options, expected) => {
      expect(verifyChain(events, options)).toEqual(expected);
    });
  });

  describe('tampering, reported at the first broken link', () => {
    it.each<[string, ChainedEvent[], ChainVerifyOptions | undefined, number, ChainBreak]>([
      [
        'edited body',
        replace(3, (e) => ({ ...e, body: { ...e.body, outcome: 'denied' } })),
        FROM_GENESIS,
        3,
        {
          seq: 3,
          reason: 'hash_mismatch',
          expected: linkHash(3, hashOf(2), { ...at(3).body, outcome: 'denied' }),
          actual: hashOf(3),
        },
      ],
      [
        'body member removed',
        replace(3, (e) => ({ ...e, body: { action: e.body.action } })),
        FROM_GENESIS,
        3,
        {
          seq: 3,
          reason: 'hash_mismatch',
          expected: linkHash(3, hashOf(2), { action: 'transition' }),
          actual: hashOf(3),
        },
      ],
      [
        'edited stored hash',
        replace(3, (e) => ({ ...e, hash: 'f'.repeat(64) })),
        FROM_GENESIS,
        3,
        { seq: 3, reason: 'hash_mismatch', expected: hashOf(3), actual: 'f'.repeat(64) },
      ],
      [
        'edited prevHash',
        replace(3, (e) => ({ ...e, prevHash: GENESIS_HASH })),
        FROM_GENESIS,
        3,
        { seq: 3, reason: 'prev_hash_mismatch', expected: hashOf(2), actual: GENESIS_HASH },
      ],
      ['deleted event', withoutSeq(3), FROM_GENESIS, 3, { seq: 4, reason: 'seq_gap', expected: 3, actual: 4 }],
      [
        'deleted run of events',
        withoutSeq(2, 3, 4),
        FROM_GENESIS,
        2,
        { seq: 5, reason: 'seq_gap', expected: 2, actual: 5 },
      ],
      [
        'deleted event with successors renumbered',
        withoutSeq(3).map((e) => (e.seq > 3 ? { ...e, seq: e.seq - 1 } : e)),
        FROM_GENESIS,
        3,
        { seq: 3, reason: 'prev_hash_mismatch', expected: hashOf(2), actual: hashOf(3) },
      ],
      [
        'deleted first event, seq anchored',
        withoutSeq(1),
        FROM_GENESIS,
        1,
        { seq: 2, reason: 'seq_gap', expected: 1, actual: 2 },
      ],
      [
        'deleted first event, prevHash anchored',
        withoutSeq(1),
        { expectedPrevHash: GENESIS_HASH },
        1,
        { seq: 2, reason: 'prev_hash_mismatch', expected: GENESIS_HASH, actual: hashOf(1) },
      ],
      [
        'two events swapped',
        inOrder(1, 3, 2, 4, 5),
        FROM_GENESIS,
        2,
        { seq: 3, reason: 'seq_gap', expected: 2, actual: 3 },
      ],
      [
        'event repeated',
        inOrder(1, 2, 3, 3, 4, 5),
        FROM_GENESIS,
        4,
        { seq: 3, reason: 'seq_out_of_order', expected: 4, actual: 3 },
      ],
      [
        'reversed, without anchors',
        inOrder(2, 1),
        undefined,
        2,
        { seq: 1, reason: 'seq_out_of_order', expected: 3, actual: 1 },
      ],
      [
        'renumbered event',
        replace(3, (e) => ({ ...e, seq: 30 })),
        FROM_GENESIS,
        3,
        { seq: 30, reason: 'seq_gap', expected: 3, actual: 30 },
      ],
      [
        'forged replacement with recomputed hash',
        forged(3),
        FROM_GENESIS,
        4,
        { seq: 4, reason: 'prev_hash_mismatch', expected: forged(3)[2].hash, actual: hashOf(3) },
      ],
      [
        'wrong anchor for a range',
        chain.slice(2),
        { expectedFirstSeq: 3, expectedPrevHash: hashOf(1) },
        1,
        { seq: 3, reason: 'prev_hash_mismatch', expected: hashOf(1), actual: hashOf(2) },
      ],
      [
        'range starting too late',
        chain.slice(3),
        { expectedFirstSeq: 3 },
        1,
        { seq: 4, reason: 'seq_gap', expected: 3, actual: 4 },
      ],
      [
        'two edits: the earlier one wins',
        replace(2, (e) => ({ ...e, hash: 'a'.repeat(64) })).map((e) =>
          e.seq === 4 ? { ...e, hash: 'b'.repeat(64) } : e,
        ),
        FROM_GENESIS,
        2,
        { seq: 2, reason: 'hash_mismatch', expected: hashOf(2), actual: 'a'.repeat(64) },
      ],
    ])('%s', (_name, events, options, checked, brokenAt) => {
      expect(verifyChain(events, options)).toEqual({ valid: false, checked, brokenAt });
    });
  });

  // What a chain alone cannot show: these verify, and only anchors or a checkpoint expose them.
  describe('limits', () => {
    it('misses a deleted first event unless the first link is anchored', () => {
      expect(verifyChain(withoutSeq(1)).valid).toBe(true);
      expect(verifyChain(withoutSeq(1), FROM_GENESIS).valid).toBe(false);
    });

    const checkpoint = { lastSeq: 5, lastHash: hashOf(5) };
    it.each<[string, ChainedEvent[]]>([
      ['deleted last event', withoutSeq(5)],
      ['forged last event', forged(5)],
      [
        'everything from seq 3 rewritten',
        [...chain.slice(0, 2), ...buildChain([{ a: 1 }, { a: 2 }, { a: 3 }], 3, hashOf(2))],
      ],
    ])('misses a %s, which the verdict shows against a checkpoint of the head', (_name, events) => {
      const verdict = verifyChain(events, FROM_GENESIS);
      expect(verdict.valid).toBe(true);
      expect(verdict).not.toMatchObject(checkpoint);
    });
  });

  it('stops reading the iterable at the first break', () => {
    let yielded = 0;
    function* events(): Generator<ChainedEvent> {
      for (const event of withoutSeq(2)) {
        yielded += 1;
        yield event;
      }
    }
    expect(verifyChain(events(), FROM_GENESIS).valid).toBe(false);
    expect(yielded).toBe(2);
  });

  it('throws, rather than reporting tampering, on a body that cannot be hashed faithfully', () => {
    const events = replace(2, (e) => ({ ...e, body: { at: new Date(0) } }));
    expect(() => verifyChain(events, FROM_GENESIS)).toThrow(TypeError);
  });
});

describe('ChainVerifier', () => {
  it('returns undefined while the chain holds, then the same verdict for every later push', () => {
    const verifier = new ChainVerifier(FROM_GENESIS);
    expect(verifier.push(at(1))).toBeUndefined();
    expect(verifier.result()).toEqual({ valid: true, checked: 1, lastSeq: 1, lastHash: hashOf(1) });

    const broken = verifier.push(at(3));
    const expected = { valid: false, checked: 2, brokenAt: { seq: 3, reason: 'seq_gap', expected: 2, actual: 3 } };
    expect(broken).toEqual(expected);
    expect(verifier.push(at(2))).toBe(broken);
    expect(verifier.result()).toBe(broken);
  });

  it('reports an empty, unanchored run as valid with no last link', () => {
    expect(new ChainVerifier().result()).toEqual({ valid: true, checked: 0 });
  });

  it.each([1, 2, 3, 4])('verifies a chain in two ranges split after seq %i, chained by the first verdict', (split) => {
    const first = verifyChain(chain.slice(0, split), FROM_GENESIS);
    if (!first.valid) throw new Error('first range should verify');
    const second = verifyChain(chain.slice(split), {
      expectedFirstSeq: first.lastSeq! + 1,
      expectedPrevHash: first.lastHash,
    });
    expect(second).toEqual({ valid: true, checked: 5 - split, lastSeq: 5, lastHash: hashOf(5) });
  });
});

describe('verifyChain properties', () => {
  const aBody = fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 });
  const aChain = fc.array(aBody, { minLength: 1, maxLength: 12 }).map((list) => buildChain(list));

  it('accepts any correctly built chain', () => {
    fc.assert(
      fc.property(aChain, (events) => {
        const last = events[events.length - 1];
        expect(verifyChain(events, FROM_GENESIS)).toEqual({
          valid: true,
          checked: events.length,
          lastSeq: last.seq,
          lastHash: last.hash,
        });
      }),
    );
  });

  it('detects a change to any one body at that event', () => {
    fc.assert(
      fc.property(aChain, fc.nat(), aBody, (events, pick, body) => {
        const i = pick % events.length;
        fc.pre(canonicalJson(body) !== canonicalJson(events[i].body));
        const tampered = events.map((e, j) => (j === i ? { ...e, body } : e));
        const verdict = verifyChain(tampered, FROM_GENESIS);
        expect(verdict).toMatchObject({
          valid: false,
          checked: i + 1,
          brokenAt: { seq: i + 1, reason: 'hash_mismatch' },
        });
      }),
    );
  });

  it('detects a forged replacement of any event but the last at its successor', () => {
    fc.assert(
      fc.property(aChain, fc.nat(), aBody, (events, pick, body) => {
        fc.pre(events.length >= 2);
        const i = pick % (events.length - 1);
        const e = events[i];
        const hash = linkHash(e.seq, e.prevHash, body);
        fc.pre(hash !== e.hash);
        const tampered = events.map((event, j) => (j === i ? { ...event, body, hash } : event));
        expect(verifyChain(tampered, FROM_GENESIS)).toMatchObject({
          valid: false,
          brokenAt: { seq: i + 2, reason: 'prev_hash_mismatch', expected: hash, actual: e.hash },
        });
      }),
    );
  });

  it('detects the deletion of any event but the last', () => {
    fc.assert(
      fc.property(aChain, fc.nat(), (events, pick) => {
        fc.pre(events.length >= 2);
        const i = pick % (events.length - 1);
        const tampered = events.filter((_, j) => j !== i);
        expect(verifyChain(tampered, FROM_GENESIS)).toMatchObject({
          valid: false,
          checked: i + 1,
          brokenAt: { seq: i + 2, reason: 'seq_gap', expected: i + 1, actual: i + 2 },
        });
      }),
    );
  });
});

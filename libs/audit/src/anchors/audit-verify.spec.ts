import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { exportJWK, exportSPKI, generateKeyPair, type JWK, type KeyLike } from 'jose';
import { canonicalJson } from '@flowgate/core';
import { GENESIS_HASH, linkHash } from '../hash-chain/audit-link';
import { type AnchorPayload, signAnchor, verifyAnchor } from './anchor-jws';

/**
 * The offline verifier (scripts/audit-verify.mjs) run as an auditor runs it, on exports built here
 * with the server's own chain and signing code: what it accepts, and every way it must refuse.
 */
const ROOT = join(__dirname, '..', '..', '..', '..');
const SCRIPT = join(ROOT, 'scripts', 'audit-verify.mjs');
const CORE = join(ROOT, 'scripts', 'lib', 'audit-verify-core.mjs');
const dir = mkdtempSync(join(tmpdir(), 'audit-verify-'));

interface Key {
  readonly kid: string;
  readonly privateKey: KeyLike;
  readonly publicJwk: JWK;
  readonly pem: string;
}

async function newKey(kid: string): Promise<Key> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid }, pem: await exportSPKI(publicKey) };
}

/** An export line: a JSON object, or raw text for lines that are not JSON at all. */
type Line = Record<string, unknown>;

function chainOf(count: number, firstSeq = 1, prevHash = GENESIS_HASH, tag = 'x'): Line[] {
  const events: Line[] = [];
  for (let seq = firstSeq; seq < firstSeq + count; seq += 1) {
    const body = { id: `e-${seq}`, action: 'test.happened', after: { tag, n: seq, text: 'é"\u2028' } };
    const hash = linkHash(seq, prevHash, body);
    events.push({ ...body, seq, prevHash, hash });
    prevHash = hash;
  }
  return events;
}

async function anchorLine(key: Key, seq: number, hash: string, overrides: Partial<AnchorPayload> = {}): Promise<Line> {
  const payload = { seq, hash, signedAt: `2026-12-05T21:0${seq % 10}:00.000Z`, iss: 'https://flowgate.test' };
  const jws = await signAnchor({ ...payload, ...overrides }, key.privateKey, key.kid);
  return { type: 'audit.anchor', seq, hash, signedAt: payload.signedAt, keyId: key.kid, jws };
}

let file = 0;
function write(name: string, text: string): string {
  const path = join(dir, `${(file += 1)}-${name}`);
  writeFileSync(path, text);
  return path;
}

function verify(
  lines: (Line | string)[],
  args: (files: { jwks: string }) => string[],
): { status: number; out: string } {
  const exported = write(
    'export.ndjson',
    lines.map((line) => `${typeof line === 'string' ? line : JSON.stringify(line)}\n`).join(''),
  );
  const jwks = write('jwks.json', JSON.stringify({ keys: [keys.a.publicJwk, keys.b.publicJwk] }));
  const run = spawnSync(process.execPath, [SCRIPT, exported, ...args({ jwks })], { encoding: 'utf8' });
  return { status: run.status ?? -1, out: `${run.stdout}${run.stderr}` };
}

const withKeys = ({ jwks }: { jwks: string }) => ['--keys', jwks];
const keys = {} as { a: Key; b: Key; impostor: Key };
let events: Line[];
let anchored: Line[];

beforeAll(async () => {
  keys.a = await newKey('key-a');
  keys.b = await newKey('key-b');
  // Same kid as key-a: what someone holding the database, but not the key, could sign with.
  keys.impostor = await newKey('key-a');
  events = chainOf(6);
  // Two anchors, by a key since retired and by the current one (rotation).
  anchored = [
    ...events,
    await anchorLine(keys.a, 3, events[2].hash as string),
    await anchorLine(keys.b, 5, events[4].hash as string),
  ];
});

describe('signAnchor / verifyAnchor', () => {
  it('verifies with the signing key, and refuses an impostor key under the same kid', async () => {
    const jws = (await anchorLine(keys.a, 1, events[0].hash as string)).jws as string;
    await expect(verifyAnchor(jws, [keys.a.publicJwk])).resolves.toMatchObject({ seq: 1, kid: 'key-a' });
    await expect(verifyAnchor(jws, [keys.impostor.publicJwk])).rejects.toThrow('signature verification failed');
    await expect(verifyAnchor(jws, [keys.b.publicJwk])).rejects.toThrow(/no applicable key/);
  });
});

describe('npm run audit:verify', () => {
  it('verifies a whole export and reports anchors, the last anchored seq and the unanchored tail', () => {
    const { status, out } = verify(anchored, withKeys);
    expect(out).toContain('VERIFIED');
    expect(out).toMatch(/events verified: +6 \(seq 1 to 6, from the genesis\)/);
    expect(out).toMatch(/anchors verified: +2 \(keys key-a, key-b/);
    expect(out).toMatch(/last anchored seq: +5 /);
    expect(out).toMatch(/events after the last anchor: 1 /);
    expect(out).toMatch(/events not yet sealed: +0/);
    expect(status).toBe(0);
  });

  it('counts events not yet sealed (null seq) without failing on them', () => {
    const unsealed = { id: 'e-late', action: 'test.happened', seq: null, prevHash: null, hash: null };
    const { status, out } = verify([...events, unsealed, unsealed, ...anchored.slice(6)], withKeys);
    expect(out).toMatch(/events not yet sealed: +2/);
    expect(status).toBe(0);
  });

  it('accepts one PEM public key for the anchors it signed', () => {
    const pem = write('a.pem', keys.a.pem);
    expect(verify([...events, anchored[6]], () => ['--key', pem]).status).toBe(0);
  });

  it.each<[string, (lines: Line[]) => (Line | string)[] | Promise<Line[]>, RegExp]>([
    [
      'an edited event',
      (lines) => lines.map((line, i) => (i === 1 ? { ...line, action: 'test.hidden' } : line)),
      /line 2: event seq 2: hash does not match the event's contents/,
    ],
    ['a dropped event', (lines) => lines.filter((_, i) => i !== 3), /line 4: event seq 5: expected seq 4/],
    [
      'the last events dropped, the anchor over them kept',
      (lines) => [...lines.slice(0, 4), ...lines.slice(6)],
      /line 6: anchor at seq 5 has no event at its seq, after the last event exported: events it signed were removed from the end/,
    ],
    [
      'the chain rewritten from seq 2 with recomputed hashes',
      (lines) => [lines[0], ...chainOf(5, 2, lines[0].hash as string, 'forged'), ...lines.slice(6)],
      /line 3: event seq 3: hash \w+ differs from the signed anchor on line 7 .*rewritten/,
    ],
    [
      'a forged signature',
      (lines) => lines.map((line, i) => (i === 6 ? { ...line, jws: flipLastChar(line.jws as string) } : line)),
      /line 7: anchor at seq 3: the anchor's signature does not verify with key key-a/,
    ],
    [
      'an anchor signed by an impostor key under a published kid',
      async (lines) => [...lines.slice(0, 6), await anchorLine(keys.impostor, 3, lines[2].hash as string)],
      /line 7: anchor at seq 3: the anchor's signature does not verify with key key-a/,
    ],
    [
      'a validly signed anchor over a hash the chain does not have',
      async (lines) => [...lines.slice(0, 6), await anchorLine(keys.a, 3, 'f'.repeat(64))],
      /line 3: event seq 3: hash \w+ differs from the signed anchor on line 7/,
    ],
    [
      'an anchor line whose seq was edited (the signature says otherwise)',
      (lines) => lines.map((line, i) => (i === 6 ? { ...line, seq: 4, hash: lines[3].hash } : line)),
      /line 7: anchor at seq 4: the anchor line says seq 4, its signature says 3/,
    ],
    [
      'an unsigned anchor (alg none)',
      (lines) => lines.map((line, i) => (i === 6 ? { ...line, jws: unsigned(line.jws as string) } : line)),
      /line 7: anchor at seq 3: the anchor is signed with none, not ES256/,
    ],
    ['a line that is not JSON', (lines) => [...lines.slice(0, 2), '{"seq": 3,'], /line 3: not a JSON line/],
  ])('fails on %s, naming the first failing line', async (_name, tamper, message) => {
    const tampered = await tamper(anchored);
    const { status, out } = verify(tampered, withKeys);
    expect(out).toMatch(/^FAILED: /);
    expect(out).toMatch(message);
    expect(status).toBe(1);
  });

  it('fails when the published keys were swapped for others', () => {
    const other = write('other.json', JSON.stringify({ keys: [keys.impostor.publicJwk] }));
    const { status, out } = verify(anchored, () => ['--keys', other]);
    expect(out).toMatch(/line 7: anchor at seq 3: the anchor's signature does not verify with key key-a/);
    expect(status).toBe(1);
  });

  it('refuses to run (status 2) without keys for an export that carries anchors, or with a private key', async () => {
    expect(verify(anchored, () => []).out).toMatch(/give the public keys \(--keys or --key\)/);
    expect(verify(anchored, () => []).status).toBe(2);
    const secret = write('private.json', JSON.stringify({ keys: [{ ...(await exportJWK(keys.a.privateKey)), kid: 'key-a' }] })); // prettier-ignore
    expect(verify(anchored, () => ['--keys', secret])).toMatchObject({ status: 2, out: expect.stringMatching(/is a private key/) }); // prettier-ignore
  });
});

describe("the verifier's canonical JSON", () => {
  // Written apart from the server's on purpose; this pins that both give the same bytes for any
  // JSON an export can carry (keys in UTF-16 order, escapes, numbers, nesting).
  it('is byte for byte the server canonicalJson on any JSON value', () => {
    const samples: unknown[] = [
      ...fc.sample(fc.jsonValue({ maxDepth: 4 }), { numRuns: 300, seed: 15 }),
      { b: 1, a: [1, { d: null, c: 'é' }], '\u{1F600}': 1, '\uFFFF': 2, Z: 3, '': 4 },
      { n: [0, -1.5, 1e21, 1e-7, 123456789012345680000, 5e-324] },
      { s: '\ud800 lone, \u2028, \u0000, "quoted" \\ back' },
    ];
    const driver = `import { canonicalJson } from ${JSON.stringify(CORE)};
      let input = ''; process.stdin.on('data', (c) => (input += c)).on('end', () =>
        process.stdout.write(JSON.stringify(JSON.parse(input).map(canonicalJson))));`;
    const theirs = execFileSync(process.execPath, ['--input-type=module', '-e', driver], {
      input: JSON.stringify(samples),
      encoding: 'utf8',
    });
    const ours = samples.map((value) => canonicalJson(JSON.parse(JSON.stringify(value))));
    expect(JSON.parse(theirs)).toEqual(ours);
  });
});

function flipLastChar(jws: string): string {
  const last = jws.at(-2) === 'A' ? 'B' : 'A';
  return `${jws.slice(0, -2)}${last}${jws.at(-1)}`;
}

function unsigned(jws: string): string {
  const [, payload] = jws.split('.');
  const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'flowgate-audit-anchor+jws', kid: 'key-a' })).toString('base64url'); // prettier-ignore
  return `${header}.${payload}.`;
}

import request from 'supertest';
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditAnchoring } from '@flowgate/audit';
import { DevIdentityProvider } from '@flowgate/auth';
import { DataSource } from 'typeorm';
import { eventually, sealAuditNow, TestApp } from '@flowgate/testing';
import { createTestApp } from '../support/create-test-app';
import { createTestWorker, type TestWorker } from '../support/create-test-worker';
import { type DatabaseOfItsOwn, databaseOfItsOwn } from '../support/database-of-its-own';

const SCRIPT = join(__dirname, '..', '..', 'scripts', 'audit-verify.mjs');

/**
 * The whole path an auditor takes: audited changes through the API, the worker anchors the chain
 * head, the export and the public keys fetched over HTTP, and `npm run audit:verify` run on them as
 * a process of its own, offline. Then the file tampered with in the ways the verifier must catch.
 */
describe('Signed anchors, end to end', () => {
  let testApp: TestApp;
  let database: DatabaseOfItsOwn | undefined;
  let worker: TestWorker;
  let http: ReturnType<typeof request>;
  let dev: DevIdentityProvider;
  const suffix = randomUUID().slice(0, 8);
  const dir = mkdtempSync(join(tmpdir(), 'audit-anchors-e2e-'));
  let exported: string[];
  let keySet: { keys: { kid: string }[] };

  beforeAll(async () => {
    // Its own: a long transaction in another file holds the sealer's watermark back.
    database = await databaseOfItsOwn('audit_anchors');
    testApp = await createTestApp({ env: database.env });
    worker = await createTestWorker({ ...database.env, AUDIT_ANCHOR_INTERVAL_SECONDS: '1' });
    http = request(testApp.app.getHttpServer());
    dev = testApp.app.get(DevIdentityProvider);
  });

  afterAll(async () => {
    await worker?.close();
    await testApp?.close();
    await database?.drop();
  });

  const bearer = async (user: string, roles: string[]) =>
    `Bearer ${await dev.mint({ user: `${user}-${suffix}`, roles, stepUp: true })}`;

  async function grantAndRevoke(user: string): Promise<void> {
    const target = await http.get('/v1/me').set('Authorization', await bearer(user, []));
    const admin = await bearer('anchor-admin', ['admin']);
    const path = `/v1/users/${target.body.id as string}/role-grants/approver`;
    expect((await http.put(path).set('Authorization', admin)).status).toBe(200);
    expect((await http.delete(path).set('Authorization', admin)).status).toBe(204);
    // Sealed into the chain now (the worker's sealer does it within a second): the head moves.
    await sealAuditNow(testApp.app.get(DataSource));
  }

  const auditorGet = async (path: string) =>
    http.get(path).set('Authorization', await bearer('anchor-auditor', ['auditor']));

  function verify(lines: string[], keys: unknown = keySet): { status: number; out: string } {
    const file = join(dir, `${randomUUID()}.ndjson`);
    writeFileSync(file, lines.map((line) => `${line}\n`).join(''));
    const jwks = join(dir, `${randomUUID()}.json`);
    writeFileSync(jwks, JSON.stringify(keys));
    const run = spawnSync(process.execPath, [SCRIPT, file, '--keys', jwks], { encoding: 'utf8' });
    return { status: run.status ?? -1, out: `${run.stdout}${run.stderr}` };
  }

  it('anchors the head after audited changes, and lists the anchor for auditors only', async () => {
    await grantAndRevoke('anchored');
    const [newest] = (await auditorGet('/v1/audit-events?top=1')).body.value as { seq: number }[];
    const anchoring = worker.app.get(AuditAnchoring, { strict: false });
    // Another anchor less than an interval old defers this one: try until it is made.
    await eventually(async () => {
      await anchoring.anchorHead();
      const anchors = await auditorGet('/v1/audit-events/anchors?top=1');
      expect(anchors.status).toBe(200);
      expect(anchors.body.value[0].seq).toBeGreaterThanOrEqual(newest.seq);
    }, 15_000);
    const listed = (await auditorGet('/v1/audit-events/anchors?top=1')).body.value[0];
    expect(listed).toEqual({
      seq: expect.any(Number),
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      signedAt: expect.any(String),
      keyId: expect.stringMatching(/^dev-/),
      jws: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
    });
    const refused = await http.get('/v1/audit-events/anchors').set('Authorization', await bearer('anchor-admin', ['admin'])); // prettier-ignore
    expect(refused.status).toBe(403);
    // Events after the anchor: covered by the chain only until the next one.
    await grantAndRevoke('after-anchor');
  });

  it('publishes the public keys without authentication, with no private member', async () => {
    const res = await http.get('/v1/audit-events/anchor-keys');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    keySet = res.body;
    expect(keySet.keys.length).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(keySet)).not.toMatch(/"d"/);
  });

  it('exports events then anchors, and the offline verifier accepts the export (exit 0)', async () => {
    const res = await http
      .get('/v1/audit-events/export')
      .set('Authorization', await bearer('anchor-auditor', ['auditor']))
      .buffer(true)
      .parse((response, callback) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        response.on('end', () => callback(null, text));
      });
    expect(res.status).toBe(200);
    exported = (res.body as string).trim().split('\n');
    const types = exported.map((line) => (JSON.parse(line) as { type?: string }).type ?? 'event');
    const firstAnchor = types.indexOf('audit.anchor');
    expect(firstAnchor).toBeGreaterThan(0);
    expect(types.slice(firstAnchor).every((type) => type === 'audit.anchor')).toBe(true);

    const { status, out } = verify(exported);
    expect(out).toMatch(/^VERIFIED: /);
    expect(out).toMatch(/anchors verified: +[1-9]/);
    expect(out).toMatch(/events after the last anchor: [1-9]/);
    expect(status).toBe(0);
  });

  it('fails (exit 1) on one edited line, naming it', () => {
    const tampered = [...exported];
    tampered[1] = JSON.stringify({ ...JSON.parse(tampered[1]), action: 'user.nothing_happened' });
    const { status, out } = verify(tampered);
    expect(out).toMatch(/^FAILED: .*, line 2: event seq \d+: hash does not match the event's contents/);
    expect(status).toBe(1);
  });

  it('fails (exit 1) when the events a kept anchor covers were dropped from the end', () => {
    const events = exported.filter((line) => !line.includes('"type":"audit.anchor"'));
    const anchors = exported.filter((line) => line.includes('"type":"audit.anchor"'));
    const lastAnchorSeq = (JSON.parse(anchors.at(-1)!) as { seq: number }).seq;
    const kept = events.filter((line) => (JSON.parse(line) as { seq: number }).seq < lastAnchorSeq);
    const { status, out } = verify([...kept, ...anchors]);
    expect(out).toMatch(/anchor at seq \d+ has no event at its seq, after the last event exported: events it signed were removed from the end/); // prettier-ignore
    expect(status).toBe(1);
  });

  it('fails (exit 1) with keys swapped for others under the same ids', () => {
    const swapped = {
      keys: keySet.keys.map(({ kid }) => ({
        ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }),
        kid,
      })),
    };
    const { status, out } = verify(exported, swapped);
    expect(out).toMatch(/anchor at seq \d+: the anchor's signature does not verify with key dev-/);
    expect(status).toBe(1);
  });
});

import request from 'supertest';
import { DEV_TENANT_ID, devObjectId, DevIdentityProvider } from '@flowgate/auth';
import { TestApp } from '@flowgate/testing';
import { createTestApp } from '../support/create-test-app';

describe('Development identity provider and GET /v1/me', () => {
  let testApp: TestApp;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    testApp = await createTestApp({ env: { AUTH_ROLE_MAPPING: 'Flowgate.Approver=approver' } });
    http = request(testApp.app.getHttpServer());
  });

  afterAll(() => testApp.close());

  async function devToken(body: object): Promise<string> {
    const res = await http.post('/dev-idp/token').send(body);
    expect(res.status).toBe(200);
    return res.body.access_token as string;
  }

  it('publishes a discovery document and a JWKS with public keys only', async () => {
    const discovery = await http.get('/dev-idp/.well-known/openid-configuration');
    expect(discovery.status).toBe(200);
    expect(discovery.body.issuer).toBe(testApp.config.auth.devIdentityProvider.issuer);
    expect(discovery.body.jwks_uri).toBe(`${discovery.body.issuer}/jwks`);
    const jwks = await http.get('/dev-idp/jwks');
    expect(jwks.body.keys).toHaveLength(1);
    expect(jwks.body.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: expect.any(String) });
    expect(jwks.body.keys[0]).not.toHaveProperty('d');
  });

  it('issues tokens that authenticate, and /v1/me tells who the caller is and where each role comes from', async () => {
    const token = await devToken({ user: 'maria', roles: ['requester', 'Flowgate.Approver'] });
    const res = await http.get('/v1/me').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      displayName: 'maria',
      email: 'maria@flowgate.dev',
      status: 'active',
      effectiveRoles: ['viewer', 'requester', 'approver'],
      stepUp: { satisfied: false, reason: 'no_strong_authentication' },
    });
    expect(res.body.roleSources).toEqual(
      expect.arrayContaining([
        { role: 'requester', source: 'token:roles:requester' },
        { role: 'approver', source: 'token:roles:Flowgate.Approver' },
      ]),
    );
  });

  it('provisions a user once, keyed by the development tenant and the oid, and refreshes display data on sight', async () => {
    const first = await http.get('/v1/me').set('Authorization', `Bearer ${await devToken({ user: 'ken' })}`);
    const again = await http
      .get('/v1/me')
      .set('Authorization', `Bearer ${await devToken({ user: 'ken', stepUp: true })}`);
    expect(again.body.id).toBe(first.body.id);
    expect(again.body).toMatchObject({ tenantId: DEV_TENANT_ID, objectId: devObjectId('ken') });
    expect(again.body.stepUp).toEqual({ satisfied: true });
  });

  it('refuses a token request that is not valid', async () => {
    const res = await http.post('/dev-idp/token').send({ user: 'has spaces', roles: 'admin' });
    expect(res.status).toBe(400);
    const errors = res.body.errors as { pointer: string }[];
    expect(errors.map((error) => error.pointer).sort()).toEqual(['/body/roles', '/body/user']);
  });

  it('lists the role hierarchy', async () => {
    const res = await http.get('/v1/roles').set('Authorization', `Bearer ${await devToken({ user: 'ken' })}`);
    expect(res.status).toBe(200);
    const byRole = Object.fromEntries(
      (res.body.value as { role: string; implies: string[] }[]).map((entry) => [entry.role, entry.implies]),
    );
    expect(byRole.admin).toEqual(expect.arrayContaining(['approver', 'requester', 'viewer']));
    expect(byRole.admin).not.toContain('auditor');
    expect(byRole.auditor).toEqual(['viewer']);
  });
});

describe('With the development identity provider off', () => {
  it('serves no /dev-idp endpoints and rejects its tokens', async () => {
    const withDev = await createTestApp();
    const token = await withDev.app.get(DevIdentityProvider).mint({ user: 'eve' });
    await withDev.close();
    const testApp = await createTestApp({
      env: {
        AUTH_DEV_IDENTITY_PROVIDER: 'false',
        AUTH_OIDC_ISSUERS: 'https://idp.example.com',
        AUTH_AUDIENCES: 'api://flowgate',
      },
    });
    try {
      const http = request(testApp.app.getHttpServer());
      expect((await http.post('/dev-idp/token').send({ user: 'eve' })).status).toBe(404);
      expect((await http.get('/dev-idp/jwks')).status).toBe(404);
      const res = await http.get('/v1/me').set('Authorization', `Bearer ${token}`);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('invalid_token');
    } finally {
      await testApp.close();
    }
  });
});

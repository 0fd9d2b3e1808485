import request from 'supertest';
import { createHash, randomBytes } from 'node:crypto';
import { decodeJwt } from 'jose';
import { devObjectId, DevSignIn } from '@flowgate/auth';
import { expectProblem, TestApp } from '@flowgate/testing';
import { createTestApp } from '../support/create-test-app';

describe('Development identity provider: sign-in with code + PKCE', () => {
  let testApp: TestApp;
  let http: ReturnType<typeof request>;
  let signIn: DevSignIn;
  const redirectUri = 'http://127.0.0.1:4999/auth/callback';

  beforeAll(async () => {
    testApp = await createTestApp();
    http = request(testApp.app.getHttpServer());
    signIn = testApp.app.get(DevSignIn);
  });

  afterAll(() => testApp.close());

  const client = () => testApp.config.auth.devIdentityProvider.client;

  function authorizeQuery(overrides: Record<string, string> = {}) {
    const verifier = randomBytes(32).toString('base64url');
    const query = {
      response_type: 'code',
      client_id: client().id,
      redirect_uri: redirectUri,
      scope: 'openid profile offline_access api://flowgate/access_as_user',
      state: 'state-1',
      nonce: 'nonce-1',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
      ...overrides,
    };
    return { query, verifier };
  }

  /** Through the page as a person would: open it, then submit its form. */
  async function codeFor(query: Record<string, string>, answer: Record<string, string | string[]>) {
    const page = await http.get('/dev-idp/authorize').query(query);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const requestId = /name="request" value="([^"]+)"/.exec(page.text)![1];
    const approved = await http.get('/dev-idp/authorize/approve').query({ request: requestId, ...answer });
    expect(approved.status).toBe(302);
    const back = new URL(approved.headers.location);
    return { back, page: page.text };
  }

  function redeem(fields: Record<string, string>) {
    return signIn.redeem(
      new URLSearchParams({
        client_id: client().id,
        client_secret: client().secret,
        redirect_uri: redirectUri,
        ...fields,
      }),
    );
  }

  it('shows a labelled page, sends the code back with the state, and redeems it once for ID, access and refresh tokens', async () => {
    const { query, verifier } = authorizeQuery();
    const { back, page } = await codeFor(query, { user: 'sofia', roles: ['approver', 'requester'] });
    expect(page).toContain('<label for="user">');
    expect(`${back.origin}${back.pathname}`).toBe(redirectUri);
    expect(back.searchParams.get('state')).toBe('state-1');
    const code = back.searchParams.get('code')!;

    const answer = await redeem({ grant_type: 'authorization_code', code, code_verifier: verifier });
    expect(answer.status).toBe(200);
    const idToken = decodeJwt(answer.body.id_token as string);
    expect(idToken).toMatchObject({ aud: client().id, nonce: 'nonce-1', oid: devObjectId('sofia') });
    const me = await http.get('/v1/me').set('Authorization', `Bearer ${answer.body.access_token as string}`);
    expect(me.status).toBe(200);
    expect(me.body.effectiveRoles).toEqual(expect.arrayContaining(['approver', 'requester']));
    expect(me.body.stepUp.satisfied).toBe(false);

    const replay = await redeem({ grant_type: 'authorization_code', code, code_verifier: verifier });
    expect(replay).toEqual({ status: 400, body: { error: 'invalid_grant' } });

    const refreshed = await redeem({ grant_type: 'refresh_token', refresh_token: answer.body.refresh_token as string });
    expect(refreshed.status).toBe(200);
    expect(decodeJwt(refreshed.body.access_token as string).oid).toBe(devObjectId('sofia'));
    const reused = await redeem({ grant_type: 'refresh_token', refresh_token: answer.body.refresh_token as string });
    expect(reused.status).toBe(400);
  });

  it('marks a sign-in with MFA as stepped up, and ticks MFA when the client asks for it', async () => {
    const { query, verifier } = authorizeQuery({ acr_values: 'c1' });
    const { back, page } = await codeFor(query, { user: 'sofia', mfa: 'on' });
    expect(page).toMatch(/id="mfa" name="mfa" checked/);
    const answer = await redeem({
      grant_type: 'authorization_code',
      code: back.searchParams.get('code')!,
      code_verifier: verifier,
    });
    const me = await http.get('/v1/me').set('Authorization', `Bearer ${answer.body.access_token as string}`);
    expect(me.body.stepUp).toEqual({ satisfied: true });
  });

  it('refuses a wrong PKCE verifier, another client, and a wrong client secret', async () => {
    const { query } = authorizeQuery();
    const { back } = await codeFor(query, { user: 'sofia' });
    const code = back.searchParams.get('code')!;
    const wrongVerifier = await redeem({ grant_type: 'authorization_code', code, code_verifier: 'x'.repeat(43) });
    expect(wrongVerifier.body).toEqual({ error: 'invalid_grant' });
    const badSecret = await signIn.redeem(
      new URLSearchParams({ client_id: client().id, client_secret: 'guess', grant_type: 'authorization_code', code }),
    );
    expect(badSecret).toEqual({ status: 401, body: { error: 'invalid_client' } });
  });

  it.each([
    ['a redirect URI off this machine', { redirect_uri: 'https://evil.example/auth/callback' }],
    ['a redirect URI with another path', { redirect_uri: 'http://127.0.0.1:4999/elsewhere' }],
    ['another client', { client_id: 'someone-else' }],
    ['no openid scope', { scope: 'profile' }],
  ])('refuses %s with a problem, never redirecting', async (_, overrides) => {
    const res = await http.get('/dev-idp/authorize').query(authorizeQuery(overrides).query);
    expectProblem(res, 400, 'sign_in_failed');
  });

  it('refuses plain PKCE and a missing challenge', async () => {
    const { query } = authorizeQuery({ code_challenge_method: 'plain' });
    expectProblem(await http.get('/dev-idp/authorize').query(query), 400, 'validation_failed');
  });

  it('sends the browser back after end-session only to a loopback address', async () => {
    const ok = await http.get('/dev-idp/logout').query({ post_logout_redirect_uri: 'http://127.0.0.1:4999/app' });
    expect(ok.status).toBe(302);
    const evil = await http.get('/dev-idp/logout').query({ post_logout_redirect_uri: 'https://evil.example/' });
    expectProblem(evil, 400, 'sign_in_failed');
  });
});

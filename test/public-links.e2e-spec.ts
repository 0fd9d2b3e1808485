import request from 'supertest';
import { randomBytes, randomUUID } from 'node:crypto';
import { DevIdentityProvider } from '@flowgate/auth';
import { TestApp } from '@flowgate/testing';
import { createTestApp } from './support/create-test-app';

/**
 * Links the API hands out (`nextLink`, `Location`) start with PUBLIC_BASE_URL, or without it the
 * address the request arrived on; never with a `Host` or `X-Forwarded-Host` a client chose.
 */
describe('Links from the public base URL', () => {
  const suffix = randomBytes(4).toString('hex');
  const hostile = { Host: 'evil.example', 'X-Forwarded-Host': 'evil.example', 'X-Forwarded-Proto': 'https' };

  async function linksOf(testApp: TestApp): Promise<{ nextLink: string; location: string }> {
    const http = request(testApp.app.getHttpServer());
    const dev = testApp.app.get(DevIdentityProvider);
    const admin = {
      Authorization: `Bearer ${await dev.mint({ user: `links-${suffix}`, roles: ['admin'], stepUp: true })}`,
    };
    // Two users at least, so a page of one has a next page.
    await http.get('/v1/me').set(admin).expect(200);
    await http
      .get('/v1/me')
      .set({ Authorization: `Bearer ${await dev.mint({ user: `links-other-${suffix}` })}` })
      .expect(200);
    const page = await http.get('/v1/users?top=1').set(admin).set(hostile);
    expect(page.status).toBe(200);
    const published = await http
      .post('/v1/workflow-definitions')
      .set(admin)
      .set(hostile)
      .set('Idempotency-Key', randomUUID())
      .send({
        key: `links-${suffix}-${randomBytes(2).toString('hex')}`,
        title: 'Links',
        states: [
          { name: 'open', initial: true },
          { name: 'done', terminal: true },
        ],
        transitions: [{ name: 'close', from: 'open', to: 'done' }],
      });
    expect(published.status).toBe(201);
    return { nextLink: page.body.nextLink as string, location: published.headers.location };
  }

  it('uses PUBLIC_BASE_URL (with its path prefix) whatever Host and X-Forwarded-* say, even with TRUST_PROXY', async () => {
    const testApp = await createTestApp({
      env: { PUBLIC_BASE_URL: 'https://Flowgate.Example.test/api/', TRUST_PROXY: 'true' },
    });
    try {
      const { nextLink, location } = await linksOf(testApp);
      expect(nextLink).toMatch(/^https:\/\/flowgate\.example\.test\/api\/v1\/users\?top=1&cursor=/);
      expect(location).toMatch(/^https:\/\/flowgate\.example\.test\/api\/v1\/workflow-definitions\/links-/);
    } finally {
      await testApp.close();
    }
  });

  it('falls back to the address the request arrived on when PUBLIC_BASE_URL is unset (development, test)', async () => {
    const testApp = await createTestApp({ env: { PUBLIC_BASE_URL: undefined } });
    try {
      const { nextLink, location } = await linksOf(testApp);
      expect(nextLink.startsWith(`${testApp.url}/v1/users?top=1&cursor=`)).toBe(true);
      expect(location.startsWith(`${testApp.url}/v1/workflow-definitions/links-`)).toBe(true);
    } finally {
      await testApp.close();
    }
  });
});

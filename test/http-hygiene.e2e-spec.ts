import request from 'supertest';
import { TestApp } from '@flowgate/testing';
import { createTestApp } from './support/create-test-app';

describe('HTTP hygiene', () => {
  let testApp: TestApp;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    testApp = await createTestApp({
      probes: true,
      env: { CORS_ORIGINS: 'https://app.example.com', TRUST_PROXY: 'loopback', HTTP_REQUEST_TIMEOUT_MS: '300' },
    });
    http = request(testApp.app.getHttpServer());
  });

  afterAll(() => testApp.close());

  it('sends helmet security headers and no X-Powered-By', async () => {
    const res = await http.get('/health/live');
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
  });

  it('allows CORS for a configured origin and exposes the contract headers', async () => {
    const res = await http.get('/health/live').set('Origin', 'https://app.example.com');
    expect(res.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(res.headers['access-control-expose-headers']).toContain('X-Request-Id');
  });

  it('answers a CORS preflight from a configured origin', async () => {
    const res = await http
      .options('/v1/probes/echo')
      .set('Origin', 'https://app.example.com')
      .set('Access-Control-Request-Method', 'POST');
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('https://app.example.com');
  });

  it('grants nothing to an origin that is not configured', async () => {
    const res = await http.get('/health/live').set('Origin', 'https://evil.example.net');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('takes the client address from X-Forwarded-For only from a trusted proxy', async () => {
    // The test client connects over loopback, which TRUST_PROXY=loopback trusts.
    const res = await http
      .get('/v1/probes/client')
      .set('X-Forwarded-For', '203.0.113.7')
      .set('X-Forwarded-Proto', 'https');
    expect(res.body).toEqual({ ip: '203.0.113.7', protocol: 'https' });
  });

  it('answers a request that outlives its budget with 503 request_timeout', async () => {
    const res = await http.get('/v1/probes/slow?ms=1500');
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('request_timeout');
  });

  it('lets a streamed answer that has started outlive the budget (an export)', async () => {
    // 6 lines 100 ms apart: the 300 ms budget passes while the body streams.
    const res = await http.get('/v1/probes/stream?lines=6&ms=100');
    expect(res.status).toBe(200);
    expect(
      res.text
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as unknown),
    ).toEqual([1, 2, 3, 4, 5, 6].map((line) => ({ line })));
  });
});

describe('TRUST_PROXY off (the default)', () => {
  it('ignores X-Forwarded-For', async () => {
    const testApp = await createTestApp({ probes: true });
    try {
      const res = await request(testApp.app.getHttpServer())
        .get('/v1/probes/client')
        .set('X-Forwarded-For', '203.0.113.7');
      expect(res.body.ip).not.toBe('203.0.113.7');
      expect(res.body.protocol).toBe('http');
    } finally {
      await testApp.close();
    }
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { TestApp } from '@flowgate/testing';
import { createTestApp } from './support/create-test-app';

describe('OpenAPI contract and docs', () => {
  let testApp: TestApp;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    testApp = await createTestApp();
    http = request(testApp.app.getHttpServer());
  });

  afterAll(() => testApp.close());

  it('serves exactly the committed openapi.json', async () => {
    const res = await http.get('/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const committed: unknown = JSON.parse(readFileSync(join(__dirname, '..', 'openapi.json'), 'utf8'));
    expect(res.body).toEqual(committed);
  });

  it('serves Swagger UI at /docs', async () => {
    const res = await http.get('/docs').redirects(1);
    expect(res.status).toBe(200);
    expect(res.text).toContain('swagger-ui');
  });
});

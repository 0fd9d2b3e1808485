import request from 'supertest';
import { DevIdentityProvider } from '@flowgate/auth';
import { createTestApp, TestApp } from '@flowgate/testing';
describe('probe', () => {
  let t: TestApp;
  beforeAll(async () => { t = await createTestApp(); });
  afterAll(() => t.close());
  it('probes', async () => {
    const http = request(t.app.getHttpServer());
    const dev = t.app.get(DevIdentityProvider);
    const admin = await dev.mint({ user: 'probe-admin', roles: ['admin'], stepUp: true });
    const me = await http.get('/v1/me').set('Authorization', `Bearer ${admin}`);
    const up = me.body.id.toUpperCase();
    const r1 = await http.put(`/v1/users/${up}/role-grants/viewer`).set('Authorization', `Bearer ${admin}`);
    console.log('self grant upper', r1.status, JSON.stringify(r1.body));
    const forged = Buffer.from(JSON.stringify({ createdAt: 'yesterday', id: 'nope' })).toString('base64url');
    const r2 = await http.get(`/v1/users?cursor=${forged}`).set('Authorization', `Bearer ${admin}`);
    console.log('forged cursor', r2.status, JSON.stringify(r2.body));
    const forged2 = Buffer.from(JSON.stringify({ createdAt: '2024-01-01T00:00:00.000Z', id: 'nope' })).toString('base64url');
    const r3 = await http.get(`/v1/users?cursor=${forged2}`).set('Authorization', `Bearer ${admin}`);
    console.log('forged cursor2', r3.status, JSON.stringify(r3.body));
    const r4 = await http.get(`/v1/users?cursor=garbage`).set('Authorization', `Bearer ${admin}`);
    console.log('garbage', r4.status, JSON.stringify(r4.body));
    const r5 = await http.get(`/v1/users?top=0`).set('Authorization', `Bearer ${admin}`);
    console.log('top0', r5.status, JSON.stringify(r5.body));
  });
});

import request from 'supertest';
import { randomBytes, randomUUID } from 'node:crypto';
import { DevIdentityProvider, type Role } from '@flowgate/auth';
import type { TestApp } from '@flowgate/testing';
import type { WorkflowDefinitionDocument } from '@flowgate/workflows';

export interface Account {
  readonly id: string;
  readonly auth: Record<string, string>;
}

export interface CreatedSubscription {
  readonly id: string;
  readonly secret: string;
  readonly etag: string;
  readonly body: Record<string, unknown>;
}

/**
 * What the webhook suites share: people with tokens, a purchase-like definition of this file's own
 * (subscriptions filter on it, so events of other files running at the same time never reach this
 * file's receivers), and helpers to start and move instances and to subscribe.
 */
export class WebhookScenario {
  readonly suffix = randomBytes(4).toString('hex');
  readonly definitionKey = `wh-${this.suffix}`;
  readonly http: ReturnType<typeof request>;
  admin!: Account;
  requester!: Account;
  approver!: Account;

  constructor(private readonly testApp: TestApp) {
    this.http = request(testApp.app.getHttpServer());
  }

  async setUp(): Promise<void> {
    this.admin = await this.account('admin', ['admin']);
    this.requester = await this.account('requester', ['requester']);
    this.approver = await this.account('approver', ['approver']);
    const published = await this.http.post('/v1/workflow-definitions').set(this.admin.auth).send(this.definition());
    expect(published.status).toBe(201);
  }

  async account(name: string, roles: Role[], stepUp = true): Promise<Account> {
    const token = await this.testApp.app
      .get(DevIdentityProvider)
      .mint({ user: `wh-${name}-${this.suffix}`, roles, stepUp });
    const auth = { Authorization: `Bearer ${token}` };
    const me = await this.http.get('/v1/me').set(auth).expect(200);
    return { id: me.body.id as string, auth };
  }

  async subscribe(url: string, body: Record<string, unknown> = {}): Promise<CreatedSubscription> {
    const res = await this.http
      .post('/v1/webhook-subscriptions')
      .set(this.admin.auth)
      .send({
        url,
        eventTypes: ['workflow.started', 'workflow.transitioned', 'workflow.completed'],
        definitionKeys: [this.definitionKey],
        ...body,
      });
    expect({ status: res.status, body: res.body as unknown }).toMatchObject({ status: 201 });
    return { id: res.body.id as string, secret: res.body.secret as string, etag: res.headers.etag, body: res.body };
  }

  async unsubscribe(id: string): Promise<void> {
    await this.http.delete(`/v1/webhook-subscriptions/${id}`).set(this.admin.auth).expect(204);
  }

  async start(): Promise<string> {
    const res = await this.http
      .post('/v1/workflows')
      .set(this.requester.auth)
      .set('Idempotency-Key', randomUUID())
      .send({ definitionKey: this.definitionKey, data: { amount: 1200 } });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }

  async move(
    id: string,
    name: string,
    as: Account = name === 'submit' ? this.requester : this.approver,
  ): Promise<void> {
    const res = await this.http
      .post(`/v1/workflows/${id}/transitions`)
      .set(as.auth)
      .set('Idempotency-Key', randomUUID())
      .send({ name });
    expect({ status: res.status, code: res.body?.code as unknown }).toEqual({ status: 200, code: undefined });
  }

  async deliveries(subscriptionId: string): Promise<Record<string, unknown>[]> {
    const res = await this.http
      .get(`/v1/webhook-subscriptions/${subscriptionId}/deliveries?top=200`)
      .set(this.admin.auth);
    expect(res.status).toBe(200);
    return res.body.value as Record<string, unknown>[];
  }

  /** draft -submit-> submitted -approve-> approved (terminal), -reject-> rejected (terminal). */
  private definition(): WorkflowDefinitionDocument {
    return {
      key: this.definitionKey,
      title: 'Purchase request (webhook tests)',
      visibility: 'authenticated',
      dataSchema: { type: 'object', properties: { amount: { type: 'number' } }, additionalProperties: false },
      states: [
        { name: 'draft', initial: true },
        { name: 'submitted' },
        { name: 'approved', terminal: true },
        { name: 'rejected', terminal: true },
      ],
      transitions: [
        { name: 'submit', from: 'draft', to: 'submitted', role: 'requester' },
        { name: 'approve', from: 'submitted', to: 'approved', role: 'approver' },
        { name: 'reject', from: ['draft', 'submitted'], to: 'rejected', role: 'approver' },
      ],
    };
  }
}

import { randomBytes } from 'node:crypto';
import { DevIdentityProvider, type Role } from '@flowgate/auth';
import { createFlowgateClient, type FlowgateClient, unwrap } from '@flowgate/sdk';
import type { TestApp } from '../test-app';

/** A person signed in to a test app: their user id, a bearer header for supertest, an SDK client. */
export interface TestAccount {
  /** The `preferred_username` the token carries, unique to the spec file that made it. */
  readonly name: string;
  /** Flowgate's id for the user, provisioned by the first authenticated call. */
  readonly id: string;
  readonly auth: Readonly<Record<'Authorization', string>>;
  /** The generated SDK, authenticated as this person. */
  readonly client: FlowgateClient;
}

export interface SignInOptions {
  /** Whether the token records a recent multi-factor sign-in (admin writes need it). Default: true. */
  readonly stepUp?: boolean;
}

export type SignIn = (name: string, roles: readonly Role[], options?: SignInOptions) => Promise<TestAccount>;

/**
 * Signs people in to `testApp` through its development identity provider. Names get `prefix` and a
 * random suffix, so specs running in parallel on the run's one database never share a user and
 * each creates its own data (order-independent specs, docs/testing.md).
 */
export function accountsFor(testApp: TestApp, prefix: string): SignIn {
  const dev = testApp.app.get(DevIdentityProvider);
  const suffix = randomBytes(4).toString('hex');
  return async (name, roles, { stepUp = true } = {}) => {
    const user = `${prefix}-${name}-${suffix}`;
    const token = await dev.mint({ user, roles: [...roles], stepUp });
    const client = createFlowgateClient({ baseUrl: testApp.url, token });
    const me = await unwrap(client.GET('/v1/me'));
    return { name: user, id: me.id, auth: { Authorization: `Bearer ${token}` }, client };
  };
}

import { DevIdentityProvider } from '@flowgate/auth';
import { createFlowgateClient, type FlowgateClient } from '@flowgate/sdk';
import type { TestApp } from '@flowgate/testing';

/** Makes SDK clients of `testApp`, each signed in as a development user named `<user>-<suffix>`. */
export function sdkClients(
  testApp: TestApp,
  suffix: string,
): (user: string, roles: string[], stepUp?: boolean) => Promise<FlowgateClient> {
  const dev = testApp.app.get(DevIdentityProvider);
  return async (user, roles, stepUp = false) =>
    createFlowgateClient({ baseUrl: testApp.url, token: await dev.mint({ user: `${user}-${suffix}`, roles, stepUp }) });
}

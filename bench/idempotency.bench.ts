import { DevIdentityProvider } from '@flowgate/auth';
import { TestApp } from '@flowgate/testing';
import { createTestApp } from '../test/support/create-test-app';
import { benchSettings, suiteTimeoutMs } from './support/bench-settings';
import { compare, interleave, Target } from './support/measure';

/**
 * What the idempotency layer costs one write route: the same insert (`POST /v1/probes/notes`, one
 * row in one transaction) without a key as the baseline, with a fresh key per request (Redis
 * marker, record lookup, record insert in the same transaction), and replaying one stored answer.
 */
describe('Idempotency layer', () => {
  const settings = benchSettings();
  let testApp: TestApp;
  let auth: string;

  beforeAll(async () => {
    testApp = await createTestApp({ probes: true, env: { LOG_LEVEL: 'warn' } });
    auth = `Bearer ${await testApp.app.get(DevIdentityProvider).mint({ user: 'bench-writer' })}`;
  });

  afterAll(() => testApp?.close());

  it(
    'a write without a key vs with a fresh key vs a replay',
    async () => {
      const body = JSON.stringify({ text: 'bench note' });
      const headers = { Authorization: auth, 'Content-Type': 'application/json' };
      const replayKey = 'bench-replayed-key';
      const first = await fetch(`${testApp.url}/v1/probes/notes`, {
        method: 'POST',
        headers: { ...headers, 'Idempotency-Key': replayKey },
        body,
      });
      expect(first.status).toBe(201);
      const targets: Target[] = [
        {
          name: 'POST without Idempotency-Key',
          url: `${testApp.url}/v1/probes/notes/unkeyed`,
          method: 'POST',
          headers,
          body,
        },
        {
          name: 'POST with a fresh Idempotency-Key',
          url: `${testApp.url}/v1/probes/notes`,
          method: 'POST',
          headers: { ...headers, 'Idempotency-Key': '[<id>]' },
          body,
          idReplacement: true,
        },
        {
          name: 'POST replayed (same key)',
          url: `${testApp.url}/v1/probes/notes`,
          method: 'POST',
          headers: { ...headers, 'Idempotency-Key': replayKey },
          body,
        },
      ];
      const results = await interleave(targets, settings);
      const [plain, keyed, replayed] = results;
      compare(plain, [keyed, replayed], 'Idempotency layer on one write route');
      for (const result of results) {
        expect(result.errors).toBe(0);
        expect(Object.keys(result.statusCodes)).toEqual(['201']);
      }
    },
    suiteTimeoutMs(settings, 3),
  );
});

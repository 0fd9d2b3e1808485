import { TestApp } from '@flowgate/testing';
import { createTestApp } from '../test/support/create-test-app';
import { benchSettings, suiteTimeoutMs } from './support/bench-settings';
import { compare, interleave, Target } from './support/measure';

/**
 * What the HTTP pipeline costs beyond the minimum: the liveness probe (middleware, guards,
 * a tiny JSON body) is the baseline; the problem-type catalogue adds serialising a large
 * body, and an unknown route the 404 problem+json path through the exception filter.
 */
describe('HTTP pipeline', () => {
  const settings = benchSettings();
  let testApp: TestApp;

  beforeAll(async () => {
    // Logging stays at info, as in production: one line per request is part of the pipeline.
    testApp = await createTestApp();
  });

  afterAll(() => testApp?.close());

  it(
    'liveness vs a large JSON body vs the 404 problem path',
    async () => {
      const targets: Target[] = [
        { name: 'GET /health/live', url: `${testApp.url}/health/live` },
        { name: 'GET /v1/problem-types', url: `${testApp.url}/v1/problem-types` },
        { name: 'GET /v1/no-such-route', url: `${testApp.url}/v1/no-such-route` },
      ];
      // The captured log lines are not needed; dropping them keeps memory flat across runs.
      const results = await interleave(targets, settings, { afterRun: () => testApp.logs.lines.splice(0) });
      const [live, problemTypes, notFound] = results;
      compare(live, [problemTypes, notFound], 'HTTP pipeline');

      for (const result of results) expect(result.errors).toBe(0);
      expect(Object.keys(live.statusCodes)).toEqual(['200']);
      expect(Object.keys(problemTypes.statusCodes)).toEqual(['200']);
      expect(Object.keys(notFound.statusCodes)).toEqual(['404']);
    },
    suiteTimeoutMs(settings, 3),
  );
});

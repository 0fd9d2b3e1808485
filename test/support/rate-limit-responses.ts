import request from 'supertest';
import { randomBytes, randomInt } from 'node:crypto';
import { DevIdentityProvider, type Role } from '@flowgate/auth';
import type { TestApp } from '@flowgate/testing';

/** What the rate-limit specs send and assert: tokens of fresh users, and the limit's answers. */

const PROBLEM_JSON = /^application\/problem\+json/;
const suffix = randomBytes(4).toString('hex');

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
export const on = (testApp: TestApp) => request(testApp.app.getHttpServer());

/** A fresh user's token, minted by `testApp` (any instance sharing its signing key accepts it). */
export function tokenFor(testApp: TestApp, name: string, roles: Role[] = ['viewer'], stepUp = false): Promise<string> {
  return testApp.app.get(DevIdentityProvider).mint({ user: `rl-${name}-${suffix}-${randomInt(1e6)}`, roles, stepUp });
}

/** Asserts one policy's `RateLimit` item (`"name";r=<remaining>;t=<1..window>`) in the response. */
export function expectRemaining(res: request.Response, policy: string, remaining: number, windowSeconds: number): void {
  const match = new RegExp(`"${policy}";r=(\\d+);t=(\\d+)`).exec(String(res.headers.ratelimit));
  expect({ policy, remaining: Number(match?.[1]) }).toEqual({ policy, remaining });
  const reset = Number(match?.[2]);
  expect(reset).toBeGreaterThanOrEqual(1);
  expect(reset).toBeLessThanOrEqual(windowSeconds);
}

export function expectTooManyRequests(res: request.Response, policy: string): void {
  expect({ status: res.status, code: res.body?.code, policy: res.body?.policy }).toEqual({
    status: 429,
    code: 'too_many_requests',
    policy,
  });
  expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
}

/** The value of one sample in the Prometheus text, or undefined when absent. */
export function sample(metrics: string, series: string): number | undefined {
  const line = metrics.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { DevIdentityProvider } from '@flowgate/auth';
import request from 'supertest';
import { expectProblem, TestApp } from '@flowgate/testing';
import { PURCHASE_REQUEST_DEFINITION } from '@flowgate/workflows';
import { launchChromium, type RealBrowser } from '../support/chromium';
import { createTestApp } from '../support/create-test-app';

/** Test artifacts, gitignored; docs/images/inbox-page.png is a copy of one, committed by hand. */
const SCREENSHOTS = join(__dirname, '..', '..', '.tmp', 'screenshots');

/**
 * The inbox page (`/app`) in a real Chromium, as an approver uses it: signing in through the
 * development identity provider's page, the inbox, an input form checked by the API, a step-up
 * approval, signing out, a forged cross-origin form, and a session revoked by an admin.
 */
describe('Inbox page in a real browser', () => {
  jest.setTimeout(60_000);

  let testApp: TestApp;
  let browser: RealBrowser;
  let page: Page;
  let dev: DevIdentityProvider;
  const suffix = randomUUID().slice(0, 8);
  const key = `purchase-inbox-${suffix}`;
  const approver = `fin-${suffix}`;
  let approverId: string;
  /** What the browser reported against the page's Content-Security-Policy: must stay empty. */
  const cspViolations: string[] = [];
  let waitingForFinance: string;
  let waitingForManager: string;

  const call = async (user: string, roles: string[], method: string, path: string, body?: unknown) => {
    const token = await dev.mint({ user, roles, stepUp: true });
    const response = await fetch(`${testApp.url}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        'Idempotency-Key': randomUUID(),
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await response.json()) as Record<string, unknown>;
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
    return json;
  };
  const admin = (method: string, path: string, body?: unknown) =>
    call(`admin-${suffix}`, ['admin'], method, path, body);

  /** A purchase request by Alice, submitted, with Bob as its manager (approved when `managerApproves`). */
  async function purchaseRequest(description: string, managerApproves: boolean): Promise<string> {
    const alice = `alice-${suffix}`;
    const started = await call(alice, ['requester'], 'POST', '/v1/workflows', {
      definitionKey: key,
      data: { amount: 1200, currency: 'EUR', description },
    });
    const id = started.id as string;
    await call(alice, ['requester'], 'POST', `/v1/workflows/${id}/transitions`, { name: 'submit' });
    if (managerApproves) {
      await call(`bob-${suffix}`, ['approver'], 'POST', `/v1/workflows/${id}/claim`);
      await call(`bob-${suffix}`, ['approver'], 'POST', `/v1/workflows/${id}/transitions`, {
        name: 'manager_approve',
        input: { approvedAmount: 1200 },
      });
    }
    return id;
  }

  const stateOf = async (id: string) => (await admin('GET', `/v1/workflows/${id}`)).state;

  /** The development identity provider's page, filled in as a person would. */
  async function signInOnProviderPage(expectMfaAsked: boolean): Promise<void> {
    await page.waitForURL(/\/dev-idp\/authorize\?/);
    expect(await page.isChecked('#mfa')).toBe(expectMfaAsked);
    await page.fill('#user', approver);
    await page.check('#role-approver');
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  async function signIn(): Promise<void> {
    await page.goto(`${testApp.url}/app`);
    await page.getByRole('link', { name: 'Sign in' }).click();
    await signInOnProviderPage(false);
    await page.getByRole('heading', { name: 'Inbox' }).waitFor();
  }

  beforeAll(async () => {
    testApp = await createTestApp();
    dev = testApp.app.get(DevIdentityProvider);
    await admin('POST', '/v1/workflow-definitions', { ...PURCHASE_REQUEST_DEFINITION, key });
    approverId = (await call(approver, ['approver'], 'GET', '/v1/me')).id as string;
    waitingForFinance = await purchaseRequest(`Laptop ${suffix}`, true);
    waitingForManager = await purchaseRequest(`Monitor ${suffix}`, false);
    // The approver becomes the manager of the second request (claimed with their own token).
    await call(approver, ['approver'], 'POST', `/v1/workflows/${waitingForManager}/claim`);
    browser = await launchChromium();
    page = await browser.context.newPage();
    // A step that cannot happen fails with playwright's message (what it waited for), not jest's timeout.
    page.setDefaultTimeout(10_000);
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  afterAll(async () => {
    expect(cspViolations).toEqual([]);
    await browser?.close();
    await testApp?.close();
  });

  describe('serving', () => {
    const http = () => request(testApp.app.getHttpServer());

    it('serves the page and its modules without a session, under the strict CSP', async () => {
      const page = await http().get('/app').expect(200);
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(page.headers['cache-control']).toBe('no-cache');
      expect(page.text).toContain('<script type="module" src="/app/assets/main.js"></script>');
      expect(page.text).not.toMatch(/<script>|<style|\son[a-z]+=/i);
      const csp = page.headers['content-security-policy'];
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("script-src-attr 'none'");
      expect(csp).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/);

      const script = await http().get('/app/assets/main.js').expect(200);
      expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
      const css = await http().get('/app/assets/inbox.css').expect(200);
      expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
      await http()
        .get(`/app?workflow=${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}`)
        .expect(200);
    });

    it('serves Mermaid as ES modules: the entry revalidated, its content-hashed chunks kept for a year', async () => {
      const entry = await http().get('/app/assets/mermaid/mermaid.esm.min.mjs').expect(200);
      expect(entry.headers['content-type']).toBe('text/javascript; charset=utf-8');
      expect(entry.headers['cache-control']).toBe('no-cache');
      const chunk = /\.\/chunks\/mermaid\.esm\.min\/([\w-]+\.mjs)/.exec(entry.text)?.[1];
      expect(chunk).toBeDefined();
      const loaded = await http().get(`/app/assets/mermaid/chunks/mermaid.esm.min/${chunk}`).expect(200);
      expect(loaded.headers['content-type']).toBe('text/javascript; charset=utf-8');
      expect(loaded.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    });

    it.each([
      ['a name outside the pattern', '/app/assets/..%2F..%2Fpackage.json'],
      ['a dot file', '/app/assets/.built'],
      ['another extension', '/app/assets/main.ts'],
      ['a file that does not exist', '/app/assets/nothing.js'],
      ['a page file asked for as a Mermaid module', '/app/assets/mermaid/main.js'],
      ['a path out of the Mermaid folder', '/app/assets/mermaid/..%2F..%2F..%2Fpackage.json'],
      ['a Mermaid chunk that does not exist', '/app/assets/mermaid/chunks/mermaid.esm.min/chunk-NOPE.mjs'],
    ])('answers 404 for %s', async (_name, path) => {
      expectProblem(await http().get(path), 404, 'not_found');
    });
  });

  it('signs in through the identity provider page and lists what waits for the approver', async () => {
    await signIn();
    const waiting = page.locator('#waiting');
    await expect(waiting.getByRole('link', { name: new RegExp(`Laptop ${suffix}`) }).count()).resolves.toBe(1);
    await expect(waiting.getByRole('link', { name: new RegExp(`Monitor ${suffix}`) }).count()).resolves.toBe(1);
    await expect(page.locator('#who').textContent()).resolves.toContain(`Signed in as ${approver}`);
    await page.screenshot({ path: join(SCREENSHOTS, 'inbox.png'), fullPage: true });
  });

  it('takes a transition with an input form: the API’s validation message sits beside its field', async () => {
    await page
      .locator('#waiting')
      .getByRole('link', { name: new RegExp(`Monitor ${suffix}`) })
      .click();
    await page.getByRole('heading', { name: 'Actions' }).waitFor();
    // The diagram is drawn in the page by Mermaid (loaded on demand, under the same CSP).
    const diagram = page.getByRole('img', { name: /Diagram of the workflow/ });
    await diagram.waitFor();
    await expect(diagram.textContent()).resolves.toContain('Awaiting finance approval');
    const amount = page.getByLabel(/approvedAmount/);
    await amount.fill('-5');
    await page.getByRole('button', { name: 'Approve (manager)' }).click();
    const message = page.locator('#t-manager_approve-approvedAmount-message:not(:empty)');
    await message.waitFor();
    await expect(message.textContent()).resolves.toMatch(/> 0|greater|exclusiveMinimum/i);
    await expect(amount.getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(page.locator('#status').textContent()).resolves.toContain('validation_failed');
    await page.screenshot({ path: join(SCREENSHOTS, 'validation.png'), fullPage: true });

    // By keyboard alone: Enter in the field submits its form.
    await amount.fill('1200');
    await amount.press('Enter');
    await page.locator('#status', { hasText: 'Done' }).waitFor();
    await expect(page.locator('#state').textContent()).resolves.toContain('Awaiting finance approval');
    expect(await stateOf(waitingForManager)).toBe('finance_review');
  });

  it('approves with step-up: the page follows signInUrl, the provider asks for MFA, the person retries', async () => {
    await page.goto(`${testApp.url}/app?workflow=${waitingForFinance}`);
    await page.getByRole('button', { name: 'Approve (finance)' }).click();
    await signInOnProviderPage(true);
    await page.waitForURL(`${testApp.url}/app?workflow=${waitingForFinance}`);
    await page.locator('#status', { hasText: 'signed in again with multi-factor' }).waitFor();
    await page.getByRole('button', { name: 'Approve (finance)' }).click();
    await page.locator('#status', { hasText: 'Done' }).waitFor();
    await expect(page.locator('#state').textContent()).resolves.toContain('Approved');
    expect(await stateOf(waitingForFinance)).toBe('approved');
    await page.screenshot({ path: join(SCREENSHOTS, 'approved.png'), fullPage: true });
  });

  it('refuses a form another origin submits to a write route, with the session cookie attached', async () => {
    const site = await serveForgery(`${testApp.url}/v1/workflows/${waitingForManager}/transitions`);
    try {
      const forgery = await browser.context.newPage();
      forgery.setDefaultTimeout(10_000);
      await forgery.goto(site.origin);
      const [answer] = await Promise.all([
        forgery.waitForResponse((response) => response.url().includes('/transitions')),
        forgery.getByRole('button', { name: 'Win a prize' }).click(),
      ]);
      // Refused before any handler: an HTML form can only send form encodings, which the JSON-only
      // API does not parse (415), and were it parsed, the CSRF check would refuse it (403).
      expect(answer.status()).toBe(415);
      expect(JSON.parse(await answer.text())).toMatchObject({ code: 'unsupported_media_type' });
      await forgery.close();
    } finally {
      site.server.closeAllConnections();
      await new Promise((resolve) => site.server.close(resolve));
    }
    expect(await stateOf(waitingForManager)).toBe('finance_review');
  });

  it('signs out: the session ends and the page offers to sign in', async () => {
    await page.goto(`${testApp.url}/app`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('link', { name: 'Sign in' }).waitFor();
    const session = await page.evaluate(async () => (await fetch('/auth/session')).status);
    expect(session).toBe(401);
  });

  it('signs a session revoked by an admin out on its next request', async () => {
    await signIn();
    await new Promise((resolve) => setTimeout(resolve, 1100)); // revocations compare whole seconds
    await admin('POST', `/v1/users/${approverId}/revoke-sessions`);
    await page.locator('#waiting').getByRole('link').first().click();
    await page.getByRole('link', { name: 'Sign in' }).waitFor();
    await expect(page.locator('#status').textContent()).resolves.toContain('ended by an administrator');
  });
});

/** A page on another origin with a plain HTML form aimed at Flowgate: what a CSRF attack looks like. */
async function serveForgery(action: string): Promise<{ server: Server; origin: string }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(
      `<!doctype html><title>Prizes</title><form method="post" action="${action}">` +
        '<input type="hidden" name="name" value="reject"><button>Win a prize</button></form>',
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

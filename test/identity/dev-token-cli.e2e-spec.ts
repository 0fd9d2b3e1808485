import { execFile } from 'node:child_process';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import request from 'supertest';
import type { TestApp } from '@flowgate/testing';
import { createTestApp } from '../support/create-test-app';

const SCRIPT = join(__dirname, '..', '..', 'scripts', 'dev-token.mjs');

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `npm run -s token -- <args>`, minus npm: the script as a process of its own. */
function token(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    // Asynchronous: the API under test answers from this same process. The child gets this
    // process's environment, as a shell would pass it, plus what the case sets.
    // eslint-disable-next-line no-restricted-syntax
    execFile(process.execPath, [SCRIPT, ...args], { env: { ...process.env, ...env } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

async function listening(server: Server): Promise<string> {
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** `npm run token` asks the running API's development identity provider, never signs on its own. */
describe('npm run token', () => {
  let testApp: TestApp;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    testApp = await createTestApp();
    http = request(testApp.app.getHttpServer());
  });

  afterAll(() => testApp.close());

  it("prints a token of the server at --url, with that server's issuer, that authenticates there", async () => {
    // PORT names another port: --url wins, and the issuer is the server's, not one derived from PORT.
    const run = await token(['--url', testApp.url, '--user', 'cli-carol', '--roles', 'approver,auditor', '--step-up'], {
      PORT: '1',
    });

    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    const jwt = run.stdout.trim();
    expect(decodeJwt(jwt)).toMatchObject({
      iss: testApp.config.auth.devIdentityProvider.issuer,
      name: 'cli-carol',
      roles: ['approver', 'auditor'],
      acrs: [testApp.config.auth.stepUp.acrs],
    });
    const me = await http.get('/v1/me').set('Authorization', `Bearer ${jwt}`);
    expect(me.status).toBe(200);
    expect(me.body.displayName).toBe('cli-carol');
  });

  it('finds the server on PORT when no --url is given, as npm start would have used it', async () => {
    const run = await token(['--user', 'cli-dave', '--roles', 'viewer'], { PORT: new URL(testApp.url).port });

    expect(run.code).toBe(0);
    expect((await http.get('/v1/me').set('Authorization', `Bearer ${run.stdout.trim()}`)).status).toBe(200);
  });

  it('says so when nothing answers, naming the URL and what to do', async () => {
    const closed = createServer();
    const url = await listening(closed);
    await new Promise((done) => closed.close(done));

    const run = await token(['--url', url, '--user', 'cli-erin']);

    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`No Flowgate API answers at ${url} (ECONNREFUSED)`);
    expect(run.stderr).toContain('npm start');
  });

  it('says so when the server there has no development identity provider', async () => {
    const other = createServer((_req, res) => res.writeHead(404, { 'Content-Type': 'application/json' }).end('{}'));
    const url = await listening(other);
    try {
      const run = await token(['--url', url, '--user', 'cli-frank']);

      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`${url} has no development identity provider`);
    } finally {
      await new Promise((done) => other.close(done));
    }
  });

  it("passes the server's refusal on, with the pointer at fault", async () => {
    const run = await token(['--url', testApp.url, '--user', 'has spaces']);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('refused the token request: 400');
    expect(run.stderr).toContain('/body/user');
  });

  it.each([[[]], [['--roles', 'admin']], [['--nope']]])('prints the usage and exits 2 for %j', async (args) => {
    const run = await token(args);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Usage: npm run -s token -- --user <name>');
  });
});

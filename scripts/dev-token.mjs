#!/usr/bin/env node
// `npm run token`: a development access token from the running API's own identity provider
// (`POST /dev-idp/token`), so its issuer, audience and key are the ones that server checks, on
// whatever port it was started. Plain Node, nothing to build: it answers in a fraction of a second.
import { parseArgs } from 'node:util';

const USAGE = `Usage: npm run -s token -- --user <name> [--roles approver,admin] [--step-up] [--cp1] [--expires <seconds>] [--url <api>]

Prints an access token signed by the development identity provider of the API running at --url
(default http://localhost:$PORT, PORT defaulting to 3000, as for npm start). Call the API with:
  curl -H "Authorization: Bearer $(npm run -s token -- --user alice)" http://localhost:3000/v1/me`;

const fail = (message, code = 1) => {
  process.stderr.write(`${message}\n`);
  process.exit(code);
};

let values;
try {
  ({ values } = parseArgs({
    options: {
      user: { type: 'string' },
      roles: { type: 'string', multiple: true },
      'step-up': { type: 'boolean', default: false },
      cp1: { type: 'boolean', default: false },
      expires: { type: 'string' },
      url: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  }));
} catch (error) {
  fail(`${error.message}\n\n${USAGE}`, 2);
}
if (values.help) fail(USAGE, 0);
if (!values.user) fail(USAGE, 2);

const api = (values.url ?? `http://localhost:${process.env.PORT || 3000}`).replace(/\/+$/, '');
const request = {
  user: values.user,
  roles: (values.roles ?? [])
    .flatMap((entry) => entry.split(','))
    .map((role) => role.trim())
    .filter(Boolean),
  stepUp: values['step-up'],
  claimsChallengeCapable: values.cp1,
  ...(values.expires === undefined ? {} : { expiresInSeconds: Number(values.expires) }),
};

let response;
try {
  response = await fetch(`${api}/dev-idp/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(request),
    signal: AbortSignal.timeout(10_000),
  });
} catch (error) {
  const reason = error.cause?.code ?? error.name ?? 'no answer';
  fail(
    `No Flowgate API answers at ${api} (${reason}). Start it with \`npm start\`, or say where it runs: ` +
      '`npm run -s token -- --url http://localhost:<port> ...` (or set PORT as for the server).',
  );
}

const body = await response.json().catch(() => undefined);
if (response.ok && typeof body?.access_token === 'string') {
  process.stdout.write(`${body.access_token}\n`);
} else if (response.status === 404) {
  fail(
    `${api} has no development identity provider (POST /dev-idp/token is 404): it is off there ` +
      '(AUTH_DEV_IDENTITY_PROVIDER=false, or production), or that is not a Flowgate API.',
  );
} else {
  const retry = response.headers.get('retry-after');
  fail(
    `${api} refused the token request: ${response.status} ${body?.detail ?? body?.title ?? response.statusText}` +
      (body?.errors?.length ? ` (${body.errors.map((e) => `${e.pointer} ${e.detail}`).join('; ')})` : '') +
      (retry ? ` Retry in ${retry} s.` : ''),
  );
}

import { randomUUID } from 'node:crypto';

/**
 * The two calls the server-process suites make against the API they started: a token from its
 * development identity provider, and a request with a fresh `Idempotency-Key` (required on the
 * routes they write through, harmless elsewhere).
 */
export async function devTokenFrom(
  apiUrl: string,
  body: { user: string; roles: string[]; stepUp?: boolean },
): Promise<string> {
  const res = await fetch(`${apiUrl}/dev-idp/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 200) throw new Error(`the development identity provider answered ${res.status}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

export function callApi(apiUrl: string, method: string, path: string, auth: string, body?: unknown): Promise<Response> {
  return fetch(`${apiUrl}${path}`, {
    method,
    headers: {
      Authorization: auth,
      'Idempotency-Key': randomUUID(),
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

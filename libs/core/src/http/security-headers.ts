import helmet from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * helmet's default response headers (HSTS, nosniff, frame and resource policies, a strict CSP),
 * computed once at start-up. Its defaults do not depend on the request, so running its eleven
 * middleware functions on every request would only repeat the same answer; helmet stays the
 * source of the values, so upgrading it upgrades them.
 */
export function securityHeaders(): Readonly<Record<string, string>> {
  cached ??= fromHelmet();
  return cached;
}

let cached: Readonly<Record<string, string>> | undefined;

function fromHelmet(): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader: (name: string, value: unknown) => void (headers[name] = String(value)),
    removeHeader: (name: string) => void delete headers[name],
  };
  let finished = false;
  helmet()({} as IncomingMessage, recorder as unknown as ServerResponse, () => (finished = true));
  // helmet's defaults run synchronously; if a future version stops doing so, fail at start-up.
  if (!finished || Object.keys(headers).length === 0) throw new Error('helmet did not yield its headers synchronously');
  return Object.freeze(headers);
}

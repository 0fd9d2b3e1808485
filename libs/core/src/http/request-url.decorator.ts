import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { isIPv6 } from 'node:net';
import type { HttpRequest } from './http-types';

const CONFIGURED = new WeakMap<HttpRequest, string>();

/** Called for every request (`http-hooks.ts`) with the configured PUBLIC_BASE_URL, if any. */
export function rememberPublicBaseUrl(request: HttpRequest, configured: string | undefined): void {
  if (configured !== undefined) CONFIGURED.set(request, configured);
}

/**
 * Where links sent in answer to this request start: PUBLIC_BASE_URL, or (development and test,
 * where it may be unset) the address and port the connection arrived on. Never the `Host` or
 * `X-Forwarded-Host` header: a client could make the API hand out links to any site.
 */
export function publicBaseUrlOf(request: HttpRequest): string {
  const configured = CONFIGURED.get(request);
  if (configured !== undefined) return configured;
  const socket = request.raw.socket;
  const address = (socket.localAddress ?? '127.0.0.1').replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
  const host = isIPv6(address) ? `[${address}]` : address;
  return `http://${host}:${socket.localPort ?? 80}`;
}

/** The absolute URL of this request on the public base URL, for building `nextLink`s. */
export const RequestUrl = createParamDecorator((_data: unknown, context: ExecutionContext): string => {
  const req = context.switchToHttp().getRequest<HttpRequest>();
  return `${publicBaseUrlOf(req)}${req.originalUrl}`;
});

/** The public base URL (no trailing slash), for absolute `Location`s: `${base}/v1/things/${id}`. */
export const PublicBaseUrl = createParamDecorator((_data: unknown, context: ExecutionContext): string =>
  publicBaseUrlOf(context.switchToHttp().getRequest<HttpRequest>()),
);

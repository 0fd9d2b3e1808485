import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors/app-error';

/** `application/json` and structured `+json` types (`application/merge-patch+json`), any params. */
const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/**
 * The API speaks JSON only. Fastify's own parsers are replaced by this one, so the only bodies
 * that reach a handler are JSON documents (an object or an array, as Express's `strict` mode
 * had it) in UTF-8. Everything else becomes a precise problem: another media type → 415 (Fastify's
 * `FST_ERR_CTP_INVALID_MEDIA_TYPE`, worded in `exceptionToAppError`), another charset → 415,
 * a body over `HTTP_BODY_LIMIT_BYTES` (the adapter's `bodyLimit`) → 413 (`FST_ERR_CTP_BODY_TOO_LARGE`), malformed JSON → 400.
 */
export function registerJsonBodyParser(fastify: FastifyInstance): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser(JSON_MEDIA_TYPE, { parseAs: 'string' }, (request, body, done) => {
    const charset = charsetOf(request.headers['content-type']);
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
      done(new AppError('unsupported_media_type', 'Request bodies must be UTF-8 encoded JSON.'), undefined);
      return;
    }
    // A parser that throws would crash the process: Fastify calls it from a stream event.
    try {
      done(null, parseJson(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}

/** An empty body is no body (validation then says what is missing); anything else must be a
 * JSON object or array. */
function parseJson(text: string): unknown {
  const start = text.trimStart();
  if (start === '') return undefined;
  if (start[0] !== '{' && start[0] !== '[') {
    throw new AppError('malformed_request', 'The request body must be a JSON object or array.');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new AppError('malformed_request', 'The request body is not valid JSON.', { cause: error });
  }
}

function charsetOf(contentType: string | undefined): string | undefined {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '');
  return match?.[1]?.toLowerCase();
}

import type { FastifyInstance } from 'fastify';
import secureJsonParse from 'secure-json-parse';
import { AppError } from '../errors/app-error';
import { inputHazardRefusal } from './input-hazards';

/** `application/json` and structured `+json` types (`application/merge-patch+json`), any params. */
const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/** Stateless for whole-buffer decoding, so one serves every request. `fatal`: a byte sequence
 * that is not UTF-8 (a stray 0xFF, an overlong form, an encoded surrogate) is an error rather than
 * a silent U+FFFD. A leading byte order mark is dropped, as RFC 8259 §8.1 allows. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

export interface JsonBodyOptions {
  /** Deepest nesting of arrays and objects accepted (`HTTP_MAX_JSON_DEPTH`). */
  readonly maxDepth: number;
}

/**
 * The API speaks JSON only. Fastify's own parsers are replaced by this one, so the only bodies
 * that reach a handler are JSON documents (an object or an array, as Express's `strict` mode
 * had it) in UTF-8, nested no deeper than `maxDepth`. Everything else becomes a precise problem:
 * another media type → 415 (Fastify's `FST_ERR_CTP_INVALID_MEDIA_TYPE`, worded in
 * `exceptionToAppError`), another charset → 415, a body over `HTTP_BODY_LIMIT_BYTES` (the
 * adapter's `bodyLimit`) → 413 (`FST_ERR_CTP_BODY_TOO_LARGE`), bytes that are not UTF-8,
 * malformed JSON or nesting past the limit → 400, and a `__proto__` or `constructor.prototype`
 * member → 400 `validation_failed` with its pointer, Fastify's own prototype-poisoning refusal
 * given the input-hazards answer (`parseJson`).
 */
export function registerJsonBodyParser(fastify: FastifyInstance, options: JsonBodyOptions): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser(JSON_MEDIA_TYPE, { parseAs: 'buffer' }, (request, body, done) => {
    const charset = charsetOf(request.headers['content-type']);
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
      done(new AppError('unsupported_media_type', 'Request bodies must be UTF-8 encoded JSON.'), undefined);
      return;
    }
    // A parser that throws would crash the process: Fastify calls it from a stream event.
    try {
      // The refusal of a prototype member names path and query hazards too, as the hook would.
      const refuse = (located: unknown) =>
        inputHazardRefusal({ params: request.params, query: request.query, body: located });
      done(null, parseJson(decodeUtf8(body as Buffer), options.maxDepth, refuse));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}

function decodeUtf8(bytes: Buffer): string {
  try {
    return UTF8.decode(bytes);
  } catch (error) {
    throw new AppError('malformed_request', 'The request body is not valid UTF-8.', { cause: error });
  }
}

/** Fastify's own setting: a member that reaches a prototype is refused, not kept or dropped. */
const REFUSE_PROTOTYPE_KEYS = { protoAction: 'error', constructorAction: 'error', safe: true } as const;

/**
 * An empty body is no body (validation then says what is missing); anything else must be a JSON
 * object or array. Parsed with `secure-json-parse`, Fastify's own parser, so that a `__proto__`
 * or `constructor.prototype` member never leaves this function. Such a body is refused with
 * `refuse(located)`: `located` is the same text read by plain `JSON.parse` (which keeps the
 * member as a harmless own key), only so that the refusal can point at every member at fault;
 * it is dropped with the refusal. Without `refuse`, the answer covers the body alone.
 */
export function parseJson(
  text: string,
  maxDepth: number,
  refuse: (located: unknown) => AppError | undefined = (located) => inputHazardRefusal({ body: located }),
): unknown {
  const start = text.trimStart();
  if (start === '') return undefined;
  if (start[0] !== '{' && start[0] !== '[') {
    throw new AppError('malformed_request', 'The request body must be a JSON object or array.');
  }
  // Checked on the text, before anything walks the parsed value: everything after parsing
  // (class-transformer, class-validator, fingerprints, the definition reader) recurses, and a
  // 3 KB body nested 1,500 deep overflowed its stack.
  if (nestsDeeperThan(text, maxDepth)) {
    throw new AppError(
      'malformed_request',
      `The request body nests arrays and objects more than ${maxDepth} levels deep, the most this API accepts.`,
    );
  }
  let parsed: unknown;
  try {
    parsed = secureJsonParse.parse(text, null, REFUSE_PROTOTYPE_KEYS);
  } catch (error) {
    throw new AppError('malformed_request', 'The request body is not valid JSON.', { cause: error });
  }
  // `safe` answers null for a prototype member; a body that is `null` was refused above.
  if (parsed === null) {
    throw (
      refuse(JSON.parse(text)) ??
      new AppError('validation_failed', 'The request body has a member that reaches a prototype.')
    );
  }
  return parsed;
}

/**
 * Whether `[` and `{` outside strings ever stand more than `limit` deep. One pass over the text
 * with a counter (nothing recursive, so the check itself cannot overflow); it trusts nothing
 * about the JSON being valid, which `JSON.parse` decides afterwards.
 */
export function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === BACKSLASH) i++;
      else if (char === QUOTE) inString = false;
    } else if (char === QUOTE) {
      inString = true;
    } else if (char === OPEN_BRACKET || char === OPEN_BRACE) {
      if (++depth > limit) return true;
    } else if (char === CLOSE_BRACKET || char === CLOSE_BRACE) {
      depth--;
    }
  }
  return false;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

function charsetOf(contentType: string | undefined): string | undefined {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '');
  return match?.[1]?.toLowerCase();
}

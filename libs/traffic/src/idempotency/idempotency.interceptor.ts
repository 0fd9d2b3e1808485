import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { type AuthenticatedRequest, principalTag } from '@flowgate/auth';
import {
  AppError,
  callerBatchOf,
  DistributedLock,
  etagOf,
  FlowgateConfig,
  HttpReply,
  HttpRequest,
  inSpan,
  LockLease,
  pointerTo,
  RedisUnavailable,
  routeTemplateOf,
  TransactionRunner,
} from '@flowgate/core';
import { PinoLogger } from 'nestjs-pino';
import { from, lastValueFrom, Observable } from 'rxjs';
import { IdempotencyMetrics } from './idempotency-metrics';
import { inFlightMarkerName } from './in-flight-marker';
import { parseIdempotencyKey } from './idempotency-key';
import type { IdempotencyScope, StoredResponse } from './idempotency-scope';
import { IdempotencyRepository, isIdempotencyKeyTaken } from './idempotency.repository';
import { IDEMPOTENT, IdempotentOptions } from './idempotent.decorator';
import { requestFingerprint } from './request-fingerprint';

/** Response headers a replay must carry to mean the same thing as the first answer. */
const REPLAYED_HEADERS = ['location', 'content-location', 'etag'] as const;
/** What Fastify would have said for the object; the text is sent as it is, so it is said here. */
const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * Exactly-once POSTs (draft-ietf-httpapi-idempotency-key-header, with Stripe's behaviour):
 * 1. A Redis marker (SET NX PX) per scope: if another request holds it, a stored answer is
 *    replayed (concurrent retries of a finished request) or the duplicate gets 409 at once.
 *    The marker is a short lease (IDEMPOTENCY_MARKER_LEASE_MS) that the request renews while it
 *    runs: it outlives its owner by at most one lease when the instance crashes, instead of
 *    blocking the key's retries for a minute.
 * 2. The handler runs inside a unit of work this interceptor opens, and the answer is stored in
 *    that same transaction: the change and its record commit together, so a failure between
 *    commit and response can only ever lead to a replay, never to a second change. The lookup of
 *    a stored answer rides behind the unit's first statement (`runAndStore`); if there is one,
 *    the unit stops there and the answer is replayed (same fingerprint) or refused with 422.
 * 3. After a failure the marker is released before the response, so that a retry finds the key
 *    free. After a stored answer it is left to run out its short lease: a retry meanwhile finds
 *    it held and replays the stored answer, exactly as it would after a release, and the request
 *    saves a Redis round trip (measured: a socket write costs about as much CPU as a statement).
 * If Redis is down, step 1 is skipped and PostgreSQL's primary key on the scope is the guard: a
 * concurrent duplicate's insert waits for the first transaction and then finds the key taken,
 * which rolls its own change back, and it answers with the first one's stored response.
 *
 * Only 2xx answers are stored. Anything else changed nothing (its transaction rolled back), so
 * the key stays free and a retry runs again: validation failures, 401/403/429, 5xx, and refusals
 * such as 404 or 409 alike.
 *
 * The answer is serialised here, once, and stored as that text: the first response and every
 * replay send the same bytes with the same `Content-Type`, `ETag` and `Location` (a jsonb column
 * would give the value back with its keys reordered). Idempotent routes answer JSON objects.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly records: IdempotencyRepository,
    private readonly transactions: TransactionRunner,
    private readonly locks: DistributedLock,
    private readonly config: FlowgateConfig,
    private readonly metrics: IdempotencyMetrics,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext(IdempotencyInterceptor.name);
  }

  /** In a span of its own: the marker and the unit of work it opens (with the record lookup). */
  intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    return inSpan('idempotency', () => this.interceptOnce(context, next));
  }

  private async interceptOnce(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const options = this.reflector.get<IdempotentOptions>(IDEMPOTENT, context.getHandler());
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const res = context.switchToHttp().getResponse<HttpReply>();
    const key = keyFrom(req, options);
    if (key === undefined || !req.user) return next.handle();

    const scope: IdempotencyScope = {
      principal: req.user.userId,
      method: req.method,
      route: routeTemplateOf(req),
      key,
    };
    const fingerprint = requestFingerprint(req.params, req.body, req.query);
    const marker = await this.markInFlight(scope, req);
    if (marker === 'held') {
      // Someone else holds the key: a retry of a finished request still gets its answer (the
      // holder may be another retry reading it); only a request still running means 409.
      const finished = await this.records.find(scope);
      if (finished) return from([this.replay(finished, fingerprint, res)]);
      this.metrics.inFlightConflicts.inc();
      throw new AppError(
        'idempotency_key_in_use',
        'A request with this Idempotency-Key is still running; retry shortly.',
        {
          headers: { 'Retry-After': '1' },
        },
      );
    }
    const renewal = marker && this.keepAlive(marker);
    let answered = false;
    try {
      const sent = await this.runAndStore(scope, fingerprint, next, res);
      answered = true;
      return from([sent]);
    } finally {
      clearInterval(renewal);
      // Once the key has its stored answer, a retry that finds the marker held replays that answer
      // (above), as it would after a release: the marker runs out its lease. After a failure
      // nothing is stored, and a retry must find the key free rather than get a 409.
      if (!answered) await marker?.release().catch(() => undefined);
    }
  }

  /**
   * Runs the handler in a unit of work that stores its answer, unless the scope has one already:
   * the lookup rides behind the unit's first statement (`findAlong`), and a stored answer stops
   * the unit there and is replayed. A handler that refuses before its first statement has its
   * refusal replaced by the stored answer all the same (the runner makes the lookup after the
   * rollback), so a retry always gets the first answer, never a second opinion.
   */
  private async runAndStore(
    scope: IdempotencyScope,
    fingerprint: string,
    next: CallHandler,
    res: HttpReply,
  ): Promise<unknown> {
    try {
      const response = await this.transactions.runAlone(async (manager) => {
        await this.records.findAlong(scope, manager, (stored) => {
          if (stored) throw new AnswerAlreadyStored(stored);
        });
        const body: unknown = await lastValueFrom(next.handle() as Observable<unknown>, { defaultValue: undefined });
        const text = body === undefined ? null : JSON.stringify(body);
        const response: StoredResponse = {
          fingerprint,
          status: res.statusCode,
          headers: replayedHeaders(res, body, text),
          body: text,
        };
        await this.records.store(scope, response, this.config.traffic.idempotencyRetentionSeconds, manager);
        return response;
      });
      return this.send(response, res);
    } catch (error) {
      if (error instanceof AnswerAlreadyStored) return this.replay(error.stored, fingerprint, res);
      // Taken meanwhile by a duplicate that got past the marker (Redis down) and committed first:
      // the insert failed the commit, and this unit of work, the change included, rolled back.
      if (!isIdempotencyKeyTaken(error)) throw error;
      const stored = await this.records.find(scope);
      if (!stored) throw new Error('An idempotency record vanished between its conflict and its lookup');
      return this.replay(stored, fingerprint, res);
    }
  }

  private replay(stored: StoredResponse, fingerprint: string, res: HttpReply): unknown {
    if (stored.fingerprint !== fingerprint) {
      throw new AppError(
        'idempotency_key_reused',
        'This Idempotency-Key was used for a different request; use a new key for a new request.',
      );
    }
    this.metrics.replays.inc();
    res.header('Idempotent-Replayed', 'true');
    return this.send(stored, res);
  }

  /** The stored text, sent as it is: Fastify serialises nothing and the ETag hook is not involved. */
  private send(response: StoredResponse, res: HttpReply): string | undefined {
    res.code(response.status);
    // Records stored before migration 1795822000000 named no Content-Type; their body is JSON too.
    if (response.body !== null && response.headers['content-type'] === undefined) res.type(JSON_CONTENT_TYPE);
    res.headers(response.headers);
    return response.body ?? undefined;
  }

  /**
   * The in-flight marker; `held` by another request; `undefined` when Redis is unreachable. Taken
   * in the caller's round trip when the request's `CallerBatch` planned it (ADR 28), else here.
   */
  private async markInFlight(
    scope: IdempotencyScope,
    req: AuthenticatedRequest,
  ): Promise<LockLease | 'held' | undefined> {
    const caller = principalTag(req.user!.tenantId, req.user!.objectId);
    const name = inFlightMarkerName(caller, scope.method, scope.route, scope.key);
    try {
      const taken = await callerBatchOf(req)?.lease(name);
      return taken ?? (await this.locks.tryAcquire(name, this.config.traffic.idempotencyMarkerLeaseMs)) ?? 'held';
    } catch (error) {
      // PostgreSQL still guards: the record's primary key (see runAndStore). Redis being away is
      // logged once by its connection, not once per request.
      if (!(error instanceof RedisUnavailable)) {
        this.logger.warn({ err: error }, 'Idempotency marker unavailable; relying on the database alone');
      }
      return undefined;
    }
  }

  /**
   * Renews the marker every third of its lease while the request runs (the caller clears the
   * timer in `finally`). The renewal is compare-and-extend on this request's own token: once the
   * lease was lost (the event loop stalled past it, Redis lost the key), it cannot extend the
   * marker of whoever took the key next; the request then runs on, PostgreSQL's primary key on the
   * scope guarding exactly-once as when Redis is down. A renewal failing because Redis is away is
   * simply tried again at the next tick.
   */
  private keepAlive(marker: LockLease): NodeJS.Timeout {
    const leaseMs = this.config.traffic.idempotencyMarkerLeaseMs;
    const timer = setInterval(
      () => {
        marker.extend(leaseMs).then(
          (held) => {
            if (held) return;
            clearInterval(timer);
            this.logger.warn('Idempotency marker expired while its request ran; relying on the database alone');
          },
          () => undefined,
        );
      },
      Math.floor(leaseMs / 3),
    );
    timer.unref();
    return timer;
  }
}

/** Stops a unit of work whose request already has its answer (see `runAndStore`). */
class AnswerAlreadyStored extends Error {
  constructor(readonly stored: StoredResponse) {
    super('This request already has a stored answer');
  }
}

function keyFrom(req: HttpRequest, options: IdempotentOptions): string | undefined {
  const header = req.headers['idempotency-key'];
  const pointer = pointerTo('headers', 'idempotency-key');
  if (header === undefined) {
    if (!options.required) return undefined;
    throw new AppError('validation_failed', 'This operation requires an Idempotency-Key header.', {
      errors: [{ pointer, code: 'required', detail: 'is required on this operation' }],
    });
  }
  const parsed = parseIdempotencyKey(Array.isArray(header) ? header.join(',') : header);
  if ('key' in parsed) return parsed.key;
  throw new AppError('validation_failed', 'The Idempotency-Key header is malformed.', {
    errors: [{ pointer, code: 'invalid', detail: parsed.problem }],
  });
}

function replayedHeaders(res: HttpReply, body: unknown, text: string | null): Record<string, string> {
  const headers: Record<string, string> = text === null ? {} : { 'content-type': JSON_CONTENT_TYPE };
  for (const name of REPLAYED_HEADERS) {
    const value = res.getHeader(name);
    if (typeof value === 'string') headers[name] = value;
  }
  // The ETag hook sets its header only when the body is serialised, after this; take it from the body.
  const etag = etagOf(body);
  if (etag) headers.etag = etag;
  return headers;
}

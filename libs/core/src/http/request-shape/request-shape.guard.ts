import { CanActivate, ExecutionContext, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { AppError } from '../../errors/app-error';
import { describeFieldErrors, FieldError, pointerTo } from '../../errors/field-error';
import type { HttpRequest } from '../http-types';
import { RequestShape, requestShapeOf } from './request-shape';

/** Methods whose requests carry no content at all here, `{}` included. */
const CONTENTLESS_METHODS = new Set(['GET', 'HEAD', 'DELETE']);

/**
 * Unknown fields are errors, never silently dropped (docs/api/errors.md), in the query string and
 * the body alike, on every operation: a query parameter the operation does not name → 400
 * `validation_failed`, `unknown_field` at `/query/<name>`; a body where the operation takes none
 * → `unexpected_body` at `/body`. What an operation accepts comes from its handler's parameter
 * decorators (`requestShapeOf`), read for every controller at start-up, so nothing per endpoint
 * has to remember this.
 *
 * A global guard, run after the authentication, authorization and rate-limit guards (the app
 * module's one ordered list, `GlobalGuards`): the caller is known and counted before
 * their input is judged, as with the validation pipe. Writes that take no input accept an empty
 * body or `{}`, which many clients send with every POST; GET, HEAD and DELETE accept no content.
 */
@Injectable()
export class RequestShapeGuard implements CanActivate, OnApplicationBootstrap {
  private readonly shapes = new Map<unknown, RequestShape>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
  ) {}

  /** Every route's shape, once: a handler whose query parameters cannot be listed stops start-up. */
  onApplicationBootstrap(): void {
    for (const wrapper of this.discovery.getControllers()) {
      const controller = wrapper.metatype as (abstract new (...args: never[]) => unknown) | null;
      if (!controller || !wrapper.instance) continue;
      const prototype = Object.getPrototypeOf(wrapper.instance) as Record<string, unknown>;
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        const handler = prototype[name];
        if (typeof handler !== 'function' || Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
        this.shapes.set(handler, requestShapeOf(controller, name));
      }
    }
  }

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const handler = context.getHandler();
    let shape = this.shapes.get(handler);
    if (shape === undefined) {
      shape = requestShapeOf(context.getClass(), handler.name);
      this.shapes.set(handler, shape);
    }
    const errors = shapeErrors(context.switchToHttp().getRequest<HttpRequest>(), shape);
    if (errors.length === 0) return true;
    throw new AppError('validation_failed', describeFieldErrors(errors), { errors });
  }
}

function shapeErrors(request: HttpRequest, shape: RequestShape): FieldError[] {
  const errors: FieldError[] = [];
  for (const name of Object.keys(request.query ?? {})) {
    if (!shape.query.has(name)) {
      errors.push({
        pointer: pointerTo('query', name),
        detail: `property ${name} should not exist`,
        code: 'unknown_field',
      });
    }
  }
  if (!shape.body && carriesBody(request)) {
    errors.push({
      pointer: pointerTo('body'),
      detail: 'this operation takes no request body',
      code: 'unexpected_body',
    });
  }
  return errors;
}

function carriesBody(request: HttpRequest): boolean {
  const declared =
    request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;
  if (!declared) return false;
  // Fastify does not even read the content of a GET or HEAD; its headers say there is some.
  if (CONTENTLESS_METHODS.has(request.method)) return true;
  const body: unknown = request.body;
  return body !== undefined && !isEmptyObject(body);
}

function isEmptyObject(value: unknown): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0;
}

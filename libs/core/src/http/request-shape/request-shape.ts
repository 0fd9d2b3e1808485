import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { getMetadataStorage } from 'class-validator';

/** What an operation accepts besides its path: query parameter names, and whether a body. */
export interface RequestShape {
  readonly query: ReadonlySet<string>;
  readonly body: boolean;
}

type Constructor = abstract new (...args: never[]) => unknown;

interface RouteArgument {
  readonly index: number;
  readonly data?: unknown;
}

/**
 * Reads a handler's shape from the metadata its parameter decorators left: `@Query('name')`
 * accepts that name, `@Query() dto: SomeDto` the properties class-validator knows on the DTO
 * (the same list the validation pipe whitelists), `@Body()` a body. A handler without them takes
 * no query parameters and no body, so a new endpoint accepts exactly what its signature names.
 *
 * Throws for `@Query()` without a DTO class (a plain object or `Record` type), whose accepted
 * names nothing could list: the app refuses to start rather than accept any query.
 */
export function requestShapeOf(controller: Constructor, methodName: string): RequestShape {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, methodName) ?? {}) as Record<
    string,
    RouteArgument
  >;
  const parameterTypes = (Reflect.getMetadata('design:paramtypes', controller.prototype as object, methodName) ??
    []) as unknown[];
  const query = new Set<string>();
  let body = false;
  for (const [key, argument] of Object.entries(args)) {
    // Keys are `<RouteParamtypes>:<index>` (custom decorators have a key of their own).
    const type = key.split(':')[0];
    if (type === String(RouteParamtypes.BODY) || type === String(RouteParamtypes.RAW_BODY)) body = true;
    if (type !== String(RouteParamtypes.QUERY)) continue;
    if (typeof argument.data === 'string') {
      query.add(argument.data);
      continue;
    }
    const dto = parameterTypes[argument.index];
    const names = typeof dto === 'function' && dto !== Object ? validatedPropertiesOf(dto as Constructor) : [];
    if (names.length === 0) {
      throw new Error(
        `${controller.name}.${methodName}: @Query() needs a DTO class with class-validator rules, so the accepted query parameters are known`,
      );
    }
    for (const name of names) query.add(name);
  }
  return { query, body };
}

function validatedPropertiesOf(dto: Constructor): string[] {
  const rules = getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false);
  return [...new Set(rules.map((rule) => rule.propertyName))];
}

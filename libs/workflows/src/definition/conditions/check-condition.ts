import type { parse } from '@bufbuild/cel';
import { BOOL, DOUBLE, DYN, INT, STRING, describeShape, type CelShape } from './cel-shape';

export type CelExpr = ReturnType<typeof parse>['expr'];

/** The variables a condition may read, by name. */
export type ConditionScope = ReadonlyMap<string, CelShape>;

/** One problem found in a condition: an undeclared field, or anything else CEL would refuse. */
export interface ConditionProblem {
  readonly code: 'unknown_field' | 'invalid_condition';
  readonly detail: string;
}

/**
 * Nested `all`/`exists`/`map`/`filter` multiply their lists' lengths; one level keeps the cost of
 * a condition linear in the size of the data it reads (docs/workflows.md "Conditions").
 */
export const MAX_COMPREHENSION_DEPTH = 1;

const LOGICAL = new Set(['_&&_', '_||_']);
const EQUALITY = new Set(['_==_', '_!=_']);
const ORDERING = new Set(['_<_', '_<=_', '_>_', '_>=_']);
const ARITHMETIC = new Set(['_-_', '_*_', '_/_', '_%_']);
const STRING_TESTS = new Set(['startsWith', 'endsWith', 'contains', 'matches']);
const CONVERSIONS: Readonly<Record<string, CelShape>> = {
  int: INT,
  double: DOUBLE,
  string: STRING,
  timestamp: { kind: 'timestamp' },
  duration: { kind: 'duration' },
};

/**
 * Type-checks a parsed condition against the shapes of its variables (from the data and input
 * schemas): every field it reads must be declared, every operator and function applied to types
 * it accepts, and the whole must be a boolean. Pure; reports problems rather than throwing.
 */
export function checkCondition(expr: CelExpr, scope: ConditionScope): ConditionProblem[] {
  const { shape, problems } = checkExpression(expr, scope);
  if (shape.kind !== 'bool' && shape.kind !== 'dyn') {
    problems.push({ code: 'invalid_condition', detail: `must be a boolean, not ${describeShape(shape)}` });
  }
  return problems;
}

/** The same checks for an expression of any type (a `set` value): its shape and its problems. */
export function checkExpression(
  expr: CelExpr,
  scope: ConditionScope,
): { shape: CelShape; problems: ConditionProblem[] } {
  const problems: ConditionProblem[] = [];
  const shape = new ConditionChecker(problems).check(expr, scope, 0);
  return { shape, problems };
}

class ConditionChecker {
  constructor(private readonly problems: ConditionProblem[]) {}

  check(expr: CelExpr, scope: ConditionScope, depth: number): CelShape {
    const kind = expr.exprKind;
    switch (kind.case) {
      case 'constExpr':
        return this.constant(kind.value.constantKind.case);
      case 'identExpr': {
        const shape = scope.get(kind.value.name);
        if (shape === undefined) return this.invalid(`${JSON.stringify(kind.value.name)} is not a variable here`);
        return shape;
      }
      case 'selectExpr': {
        const operand = this.check(kind.value.operand!, scope, depth);
        const field = this.field(operand, kind.value.field, pathOf(kind.value.operand!));
        return kind.value.testOnly ? BOOL : field;
      }
      case 'callExpr': {
        const target = kind.value.target && this.check(kind.value.target, scope, depth);
        const args = kind.value.args.map((arg) => this.check(arg, scope, depth));
        return this.call(kind.value.function, target, args, kind.value.args);
      }
      case 'listExpr': {
        const items = kind.value.elements.map((element) => this.check(element, scope, depth));
        return { kind: 'list', item: items.length > 0 && items.every((item) => same(item, items[0])) ? items[0] : DYN };
      }
      case 'structExpr':
        for (const entry of kind.value.entries) {
          if (entry.keyKind.case === 'mapKey') this.check(entry.keyKind.value, scope, depth);
          if (entry.value) this.check(entry.value, scope, depth);
        }
        return kind.value.messageName === '' ? DYN : this.invalid('messages are not available in conditions');
      case 'comprehensionExpr':
        return this.comprehension(kind.value, scope, depth);
      default:
        return this.invalid('the expression is empty');
    }
  }

  private constant(kind: string | undefined): CelShape {
    switch (kind) {
      case 'boolValue':
        return BOOL;
      case 'int64Value':
      case 'uint64Value':
        return INT;
      case 'doubleValue':
        return DOUBLE;
      case 'stringValue':
        return STRING;
      case 'nullValue':
        return { kind: 'null' };
      default:
        return this.invalid('bytes and other literals are not available in conditions');
    }
  }

  private field(operand: CelShape, name: string, path: string | undefined): CelShape {
    if (operand.kind === 'dyn') return DYN;
    if (operand.kind !== 'object')
      return this.invalid(`${describeShape(operand)} has no field ${JSON.stringify(name)}`);
    const shape = operand.fields.get(name);
    if (shape !== undefined) return shape;
    const where = path === undefined ? 'the object' : path;
    this.problems.push({ code: 'unknown_field', detail: `${where}.${name} is not declared by its schema` });
    return DYN;
  }

  private comprehension(
    value: Extract<CelExpr['exprKind'], { case: 'comprehensionExpr' }>['value'],
    scope: ConditionScope,
    depth: number,
  ): CelShape {
    if (depth >= MAX_COMPREHENSION_DEPTH) {
      return this.invalid(`all, exists, exists_one, map and filter may nest at most ${MAX_COMPREHENSION_DEPTH} deep`);
    }
    const range = this.check(value.iterRange!, scope, depth);
    let item: CelShape = DYN;
    if (range.kind === 'list') item = range.item;
    else if (range.kind === 'object') item = STRING;
    else if (range.kind !== 'dyn') return this.invalid(`cannot iterate over ${describeShape(range)}`);
    const accumulator = this.check(value.accuInit!, scope, depth + 1);
    const inner = new Map(scope).set(value.iterVar, item).set(value.accuVar, accumulator);
    this.check(value.loopCondition!, inner, depth + 1);
    this.check(value.loopStep!, inner, depth + 1);
    return this.check(value.result!, inner, depth + 1);
  }

  private call(name: string, target: CelShape | undefined, args: CelShape[], exprs: readonly CelExpr[]): CelShape {
    const [left, right] = args;
    if (LOGICAL.has(name)) return this.expect([left, right], ['bool'], name, BOOL);
    // `@not_strictly_false` is how the `all`/`exists` macros expand their loop condition.
    if (name === '!_' || name === '@not_strictly_false') return this.expect([left], ['bool'], name, BOOL);
    if (EQUALITY.has(name)) return comparable(left, right) ? BOOL : this.mismatch(name, args);
    if (ORDERING.has(name)) return ordered(left, right) ? BOOL : this.mismatch(name, args);
    if (name === '_+_') return plus(left, right) ?? this.mismatch(name, args);
    if (ARITHMETIC.has(name)) return arithmetic(name, left, right) ?? this.mismatch(name, args);
    if (name === '-_') return this.expect([left], ['int', 'double'], name, left);
    if (name === '_?_:_') {
      this.expect([left], ['bool'], name, BOOL);
      return same(right, args[2]) ? right : DYN;
    }
    if (name === '_[_]') return this.index(left, right, exprs[1]);
    if (name === '@in')
      return right.kind === 'list' || right.kind === 'object' || right.kind === 'dyn'
        ? BOOL
        : this.mismatch(name, args);
    if (name === 'size') return this.expect(target ? [target] : [left], ['string', 'list', 'object'], name, INT);
    if (STRING_TESTS.has(name) && target !== undefined) return this.expect([target, left], ['string'], name, BOOL);
    const conversion = target === undefined && args.length === 1 ? CONVERSIONS[name] : undefined;
    if (conversion !== undefined) return conversion;
    return this.invalid(`${JSON.stringify(name)} is not a function available in conditions`);
  }

  private index(container: CelShape, key: CelShape, keyExpr: CelExpr | undefined): CelShape {
    if (container.kind === 'list')
      return key.kind === 'int' || key.kind === 'dyn' ? container.item : this.invalid('a list index must be an int');
    if (container.kind === 'object') {
      const constant = keyExpr?.exprKind.case === 'constExpr' ? keyExpr.exprKind.value.constantKind : undefined;
      return constant?.case === 'stringValue' ? this.field(container, constant.value, undefined) : DYN;
    }
    return container.kind === 'dyn' ? DYN : this.invalid(`cannot index ${describeShape(container)}`);
  }

  private expect(shapes: readonly CelShape[], kinds: readonly string[], name: string, result: CelShape): CelShape {
    const wrong = shapes.find((shape) => shape.kind !== 'dyn' && !kinds.includes(shape.kind));
    return wrong === undefined ? result : this.mismatch(name, shapes);
  }

  private mismatch(name: string, shapes: readonly CelShape[]): CelShape {
    const operator = name.replace(/^@/, '').replace(/_/g, ' ').trim() || name;
    return this.invalid(`${operator} does not apply to ${shapes.map(describeShape).join(' and ')}`);
  }

  private invalid(detail: string): CelShape {
    this.problems.push({ code: 'invalid_condition', detail });
    return DYN;
  }
}

/** `data.items` for a field chain on a variable, for messages; undefined for anything else. */
function pathOf(expr: CelExpr): string | undefined {
  const kind = expr.exprKind;
  if (kind.case === 'identExpr') return kind.value.name;
  if (kind.case === 'selectExpr') {
    const parent = pathOf(kind.value.operand!);
    return parent === undefined ? undefined : `${parent}.${kind.value.field}`;
  }
  return undefined;
}

const NUMERIC = new Set(['int', 'double']);

function same(a: CelShape | undefined, b: CelShape | undefined): boolean {
  return a !== undefined && b !== undefined && describeShape(a) === describeShape(b) && a.kind !== 'object';
}

function loose(a: CelShape, b: CelShape): boolean {
  return a.kind === 'dyn' || b.kind === 'dyn';
}

function comparable(a: CelShape, b: CelShape): boolean {
  if (loose(a, b) || a.kind === 'null' || b.kind === 'null') return true;
  return a.kind === b.kind || (NUMERIC.has(a.kind) && NUMERIC.has(b.kind));
}

function ordered(a: CelShape, b: CelShape): boolean {
  if (loose(a, b)) return true;
  if (NUMERIC.has(a.kind) && NUMERIC.has(b.kind)) return true;
  return a.kind === b.kind && ['string', 'timestamp', 'duration', 'bool'].includes(a.kind);
}

function plus(a: CelShape, b: CelShape): CelShape | undefined {
  if (loose(a, b)) return DYN;
  if (a.kind === 'timestamp' && b.kind === 'duration') return a;
  if (a.kind === 'duration' && (b.kind === 'duration' || b.kind === 'timestamp')) return b;
  if (a.kind !== b.kind) return undefined;
  return ['int', 'double', 'string', 'list'].includes(a.kind) ? a : undefined;
}

function arithmetic(name: string, a: CelShape, b: CelShape): CelShape | undefined {
  if (loose(a, b)) return DYN;
  if (name === '_-_' && a.kind === 'timestamp' && b.kind === 'timestamp') return { kind: 'duration' };
  if (name === '_-_' && (a.kind === 'timestamp' || a.kind === 'duration') && b.kind === 'duration') return a;
  if (a.kind !== b.kind || !NUMERIC.has(a.kind)) return undefined;
  return name === '_%_' && a.kind !== 'int' ? undefined : a;
}

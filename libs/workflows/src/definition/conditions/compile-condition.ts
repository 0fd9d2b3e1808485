import { celEnv, isCelError, parse, plan } from '@bufbuild/cel';
import { ACTOR_SHAPE, INSTANCE_SHAPE, NOTHING_DECLARED, schemaShape } from './cel-shape';
import type { CelShape } from './cel-shape';
import { checkCondition, checkExpression, type CelExpr, type ConditionProblem } from './check-condition';
import type { JsonSchema } from '../workflow-definition';

/** Limits of conditions; `docs/workflows.md` documents them. */
export const CONDITION_LIMITS = {
  /** Characters of one `when`: a condition is a rule to read at a glance, not a program. */
  maxLength: 1000,
  /**
   * The most a condition may cost when evaluated: its expression nodes times the elements of the
   * largest list or map it could iterate over (one level of comprehension, checked at publish).
   */
  maxCost: 1_000_000,
} as const;

/** What a condition reads; `input` is left out before there is any (`availableTransitions`). */
export interface ConditionBindings {
  readonly data: unknown;
  readonly input?: unknown;
  readonly actor: { readonly id: string; readonly roles: readonly string[] };
  readonly instance: {
    readonly state: string;
    readonly initiatorId: string;
    readonly createdAt: Date;
    readonly enteredAt: Date;
  };
}

/** A condition compiled at publish: its text, whether it reads `input`, and how to run it. */
export interface CompiledCondition {
  readonly source: string;
  readonly readsInput: boolean;
  readonly nodes: number;
  readonly iterates: boolean;
  readonly program: ReturnType<typeof plan>;
}

export type ConditionCompilation =
  | { readonly ok: true; readonly condition: CompiledCondition }
  | { readonly ok: false; readonly problems: readonly ConditionProblem[] };

// One environment for every condition: the standard library, with `matches` on RE2 (ADR 12).
const ENV = celEnv();

/**
 * Parses and type-checks a `when` against the data and input schemas, then plans it for the
 * engine. The expression's length is checked by the reader before it gets here.
 */
export function compileCondition(
  source: string,
  schemas: { readonly data?: JsonSchema; readonly input?: JsonSchema },
): ConditionCompilation {
  const parsed = parseSource(source);
  if (!parsed.ok) return parsed;
  const problems = checkCondition(parsed.expr, scopeOf(schemas));
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, condition: planned(source, parsed.expr) };
}

/**
 * A `set` value: the same language and checks as a condition, of any type; the caller compares
 * the shape it yields with the schema of the field it is assigned to.
 */
export function compileExpression(
  source: string,
  schemas: { readonly data?: JsonSchema; readonly input?: JsonSchema },
): ConditionCompilation & { readonly shape?: CelShape } {
  const parsed = parseSource(source);
  if (!parsed.ok) return parsed;
  const { shape, problems } = checkExpression(parsed.expr, scopeOf(schemas));
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, condition: planned(source, parsed.expr), shape };
}

function parseSource(
  source: string,
): { readonly ok: true; readonly expr: CelExpr } | { readonly ok: false; readonly problems: ConditionProblem[] } {
  try {
    return { ok: true, expr: parse(source).expr };
  } catch (error) {
    return { ok: false, problems: [{ code: 'invalid_condition', detail: syntaxMessage(error) }] };
  }
}

function scopeOf(schemas: { readonly data?: JsonSchema; readonly input?: JsonSchema }): Map<string, CelShape> {
  return new Map([
    ['data', schemas.data === undefined ? NOTHING_DECLARED : schemaShape(schemas.data)],
    ['input', schemas.input === undefined ? NOTHING_DECLARED : schemaShape(schemas.input)],
    ['actor', ACTOR_SHAPE],
    ['instance', INSTANCE_SHAPE],
  ]);
}

function planned(source: string, expr: CelExpr): CompiledCondition {
  return { source, ...factsOf(expr), program: plan(ENV, expr) };
}

/** Compiles a condition of a definition already published: it passed `compileCondition` then. */
export function recompileCondition(source: string): CompiledCondition {
  return planned(source, parse(source).expr);
}

export { isCelError };

function factsOf(expr: CelExpr): { readsInput: boolean; nodes: number; iterates: boolean } {
  let nodes = 0;
  let readsInput = false;
  let iterates = false;
  const visit = (node: CelExpr | undefined): void => {
    if (node === undefined) return;
    nodes += 1;
    const kind = node.exprKind;
    if (kind.case === 'identExpr' && kind.value.name === 'input') readsInput = true;
    else if (kind.case === 'selectExpr') visit(kind.value.operand);
    else if (kind.case === 'callExpr') [kind.value.target, ...kind.value.args].forEach(visit);
    else if (kind.case === 'listExpr') kind.value.elements.forEach(visit);
    else if (kind.case === 'structExpr') {
      for (const entry of kind.value.entries) visit(entry.keyKind.case === 'mapKey' ? entry.keyKind.value : undefined);
      for (const entry of kind.value.entries) visit(entry.value);
    } else if (kind.case === 'comprehensionExpr') {
      iterates = true;
      const { iterRange, accuInit, loopCondition, loopStep, result } = kind.value;
      [iterRange, accuInit, loopCondition, loopStep, result].forEach(visit);
    }
  };
  visit(expr);
  return { readsInput, nodes, iterates };
}

/** The parser's message names a position in the expression, never anything else. */
function syntaxMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : 'cannot be parsed';
  return `syntax error: ${message.replace(/^<input>:/, 'at ')}`;
}

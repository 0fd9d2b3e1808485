import type { Role } from '@flowgate/roles';
import type { AuthorityRule } from '../authority/authority-rules';

/** Whose list it is, and which instances it may hold (docs/workflows.md "Who may do what"). */
export type ListScope =
  /** Admins and auditors: every instance. */
  | { readonly kind: 'everything' }
  /** Everyone else: the instances they may see. */
  | {
      readonly kind: 'visible';
      readonly userId: string;
      readonly rules: readonly AuthorityRule[];
      /** The roles they hold, implied ones included: the role queues they may claim from. */
      readonly heldRoles: readonly Role[];
      /** Every state of every version with `visibility: authenticated`. */
      readonly openPlaces: readonly Place[];
    }
  /** "Waiting for me": the instances where some transition is offered to them now, or queued to a role they may claim from. */
  | {
      readonly kind: 'waiting';
      readonly userId: string;
      readonly rules: readonly AuthorityRule[];
      readonly heldRoles: readonly Role[];
      /** The places queued to a role they hold where claiming would give them a transition. */
      readonly queuePlaces: readonly Place[];
    };

export interface Place {
  readonly key: string;
  readonly version: number;
  readonly state: string;
}

export interface InstanceListFilter {
  readonly definitionKey?: string;
  readonly state?: string;
  readonly initiatorId?: string;
  readonly scope: ListScope;
  /** Keyset position: the last row of the previous page (newest first). */
  readonly after?: { readonly createdAt: string; readonly id: string };
  readonly limit: number;
}

export interface SqlQuery {
  readonly text: string;
  readonly values: unknown[];
}

/** The page's rows in full, assignees and pending timers included; `page` holds the chosen (created_at, id) pairs. */
export const INSTANCE_COLUMNS = `i.id, i.definition_key, i.definition_version, i.state, i.terminal, i.data, i.initiator_id,
  i.assigned_role, i.state_entered_seq, i.version, i.created_at, i.updated_at,
  ARRAY(SELECT a.user_id FROM workflow_assignments a WHERE a.instance_id = i.id ORDER BY a.assigned_at, a.user_id) AS assignee_ids,
  ARRAY(SELECT json_build_object('transition', t.transition, 'dueAt', t.due_at) FROM workflow_timers t
    WHERE t.instance_id = i.id AND t.status = 'pending' ORDER BY t.due_at, t.transition) AS pending_timers`;

/**
 * Builds the instance list as one statement. Each way of seeing an instance is a branch that an
 * index can walk newest first and stop early (keyset paging); the page is the union of the
 * branches' first rows. A single WHERE with every condition OR-ed would make PostgreSQL scan the
 * whole table for a user who may see little of it.
 *
 * - `participates`: the viewer's rows in `workflow_participants` (initiator, ever assigned, acted).
 * - `open`: every place (definition version, state) of versions with `visibility: authenticated`.
 * - `rules`: instances in a place where one of the viewer's rules applies, then the rule's
 *   remaining checks per row: actor, separation of duties, votes. For
 *   "waiting for me" these are exactly the engine's checks (`isOffered`); for seeing, a rule only
 *   the assignee may take also counts while nobody is assigned (whoever could claim it may see it),
 *   unless the state is queued to a role the viewer does not hold (nobody else may claim it).
 * - `queues` ("waiting for me"): the places queued to a role the viewer holds where a rule only
 *   the assignee may take applies, walked like the rules' places, for instances nobody is assigned
 *   to where that rule would be theirs once they claim it (`waitsFor`); a rule for anyone offers
 *   its work without a claim, so `rules` lists it already.
 *
 * The rules travel as one JSON parameter, so the statement's text depends only on which branches
 * and filters are present, never on the number of definitions.
 */
export function buildInstanceListQuery(filter: InstanceListFilter): SqlQuery {
  const values: unknown[] = [];
  const param = (value: unknown) => `$${values.push(value)}`;
  const { scope } = filter;

  // Filters every branch shares; `i` is the instance row.
  const common: string[] = [];
  if (filter.definitionKey) common.push(`i.definition_key = ${param(filter.definitionKey)}`);
  if (filter.state) common.push(`i.state = ${param(filter.state)}`);
  if (filter.initiatorId) common.push(`i.initiator_id = ${param(filter.initiatorId)}::uuid`);
  const afterAt = filter.after && param(filter.after.createdAt);
  const afterId = filter.after && param(filter.after.id);
  const keyset = (createdAt: string, id: string) =>
    afterAt ? [`(${createdAt}, ${id}) < (${afterAt}::timestamptz, ${afterId}::uuid)`] : [];
  const limit = param(filter.limit);

  const branch = (from: string, conditions: readonly string[], createdAt = 'i.created_at', id = 'i.id') =>
    `(SELECT ${createdAt} AS created_at, ${id} AS id FROM ${from}
      WHERE ${[...keyset(createdAt, id), ...common, ...conditions].join(' AND ') || 'true'}
      ORDER BY ${createdAt} DESC, ${id} DESC LIMIT ${limit})`;
  /**
   * The newest rows of each (definition, version, state) place that `places` lists, each place an
   * ordered walk of `workflow_instances_place_idx` that stops at the page size, then merged. One
   * walk over the whole table filtered by place would read every instance in those places.
   */
  const placesBranch = (places: string, conditions: readonly string[]) =>
    `(SELECT x.created_at, x.id FROM (${places}) place
      CROSS JOIN LATERAL (SELECT i.created_at, i.id FROM workflow_instances i
        WHERE ${[
          'i.definition_key = place.key AND i.definition_version = place.version AND i.state = place.state',
          ...keyset('i.created_at', 'i.id'),
          ...common,
          ...conditions,
        ].join(' AND ')}
        ORDER BY i.created_at DESC, i.id DESC LIMIT ${limit}) x
      ORDER BY x.created_at DESC, x.id DESC LIMIT ${limit})`;
  /** Places given as parameters: one array per column, so the text does not grow with their number. */
  const listedPlaces = (places: readonly Place[]) =>
    `SELECT * FROM unnest(${param(places.map((place) => place.key))}::text[], ${param(places.map((place) => place.version))}::integer[], ${param(places.map((place) => place.state))}::text[]) AS o(key, version, state)`; // prettier-ignore

  if (scope.kind === 'everything') return finish([branch('workflow_instances i', [])], '', values, limit);

  const me = `${param(scope.userId)}::uuid`;
  const rulesCte = `rules AS MATERIALIZED (
      SELECT * FROM jsonb_to_recordset(${param(JSON.stringify(scope.rules))}::jsonb) AS r(
        key text, version integer, states text[], transition text, actor text,
        "notInitiator" boolean, "notPrevious" text[], quorum integer))`;
  const participates = `workflow_participants p JOIN workflow_instances i ON i.id = p.instance_id`;
  const participant = [`p.user_id = ${me}`];
  const mine = `EXISTS (SELECT 1 FROM workflow_assignments a WHERE a.instance_id = i.id AND a.user_id = ${me})`;
  const unassigned = `NOT EXISTS (SELECT 1 FROM workflow_assignments a WHERE a.instance_id = i.id)`;
  // Claimable: nobody assigned, and no queue, or a queue to a role the viewer holds. A function, so
  // the roles become a parameter only in a statement that uses them (once: each scope asks once).
  const claimable = () => `${unassigned} AND (i.assigned_role IS NULL OR i.assigned_role = ANY (${param(scope.heldRoles)}::text[]))`; // prettier-ignore
  const rest = ruleChecks(me);
  const placesOfRules = (actors: string) =>
    `SELECT DISTINCT r.key, r.version, unnest(r.states) AS state FROM rules r WHERE r.actor IN (${actors})`;

  if (scope.kind === 'waiting') {
    const exact = `(r.actor = 'anyone' OR (r.actor = 'initiator' AND i.initiator_id = ${me}) OR (r.actor = 'assignee' AND ${mine}))`;
    const anyRule = (actors: string) => someRule(`r.actor IN (${actors}) AND ${rest} AND ${exact}`);
    // Initiator and assignee rules can only offer something to a participant (initiators and
    // assignees always are one); rules for anyone holding the role, to anybody; a role queue, to
    // whoever holds the role and could claim it.
    const queued = someRule(`r.actor = 'assignee' AND ${rest}`);
    return finish(
      [
        branch(participates, [...participant, anyRule(`'anyone', 'initiator', 'assignee'`)], 'p.instance_created_at', 'p.instance_id'), // prettier-ignore
        placesBranch(placesOfRules(`'anyone'`), [anyRule(`'anyone'`)]),
        ...(scope.queuePlaces.length > 0
          ? [placesBranch(listedPlaces(scope.queuePlaces), ['i.assigned_role IS NOT NULL', claimable(), queued])]
          : []),
      ],
      rulesCte,
      values,
      limit,
    );
  }

  const branches = [
    branch(participates, participant, 'p.instance_created_at', 'p.instance_id'),
    placesBranch(placesOfRules(`'anyone', 'assignee'`), [
      someRule(`r.actor IN ('anyone', 'assignee') AND ${rest} AND (r.actor = 'anyone' OR ${mine} OR (${claimable()}))`),
    ]),
  ];
  if (scope.openPlaces.length > 0) branches.push(placesBranch(listedPlaces(scope.openPlaces), []));
  return finish(branches, rulesCte, values, limit);
}

/**
 * A rule's checks on one instance `i` beyond its actor: the instance is in one of the rule's
 * places, and separation of duties and votes already cast (in this visit to the state) do not
 * stand in the way of `me`. The same order and meaning as the engine's `judgeTransition`.
 */
/**
 * True when some rule passes `condition` for the row at hand. Written as a scalar subquery rather
 * than `EXISTS`: PostgreSQL turns an `EXISTS` into a semi-join with the rules, after which it no
 * longer walks a place's index in order and stops at the page size, but reads the whole place
 * (measured: 1.1 s instead of milliseconds at 100,000 instances). As a subquery it stays a filter
 * on the ordered index walk.
 */
function someRule(condition: string): string {
  return `coalesce((SELECT true FROM rules r WHERE ${condition} LIMIT 1), false)`;
}

function ruleChecks(me: string): string {
  return `r.key = i.definition_key AND r.version = i.definition_version AND i.state = ANY (r.states)
    AND (NOT r."notInitiator" OR i.initiator_id <> ${me})
    AND (cardinality(r."notPrevious") = 0 OR NOT EXISTS (
      SELECT 1 FROM workflow_history h
      WHERE h.instance_id = i.id AND h.actor_id = ${me} AND h.transition = ANY (r."notPrevious")))
    AND (r.quorum <= 1 OR NOT EXISTS (
      SELECT 1 FROM workflow_history h
      WHERE h.instance_id = i.id AND h.actor_id = ${me} AND h.kind = 'voted' AND h.transition = r.transition
        AND h.seq > i.state_entered_seq))`;
}

function finish(branches: readonly string[], rulesCte: string, values: unknown[], limit: string): SqlQuery {
  // One branch is already the page; several are merged, newest first, and cut to the page size.
  const page =
    branches.length === 1
      ? branches[0]
      : `(${branches.join('\n    UNION\n    ')}\n    ORDER BY created_at DESC, id DESC LIMIT ${limit})`;
  const ctes = [...(rulesCte ? [rulesCte] : []), `page AS ${page}`];
  return {
    text: `WITH ${ctes.join(',\n  ')}
SELECT ${INSTANCE_COLUMNS}
FROM page JOIN workflow_instances i ON i.id = page.id
ORDER BY page.created_at DESC, page.id DESC`,
    values,
  };
}

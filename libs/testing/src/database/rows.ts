import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { validateDefinition, type WorkflowDefinition } from '@flowgate/workflows';

/** What the factories write with: a data source, or the manager of a unit of work. */
export type Queryable = Pick<EntityManager, 'query'>;

/** A short unique suffix for keys and names, so that parallel specs never meet. */
export const uniqueSuffix = (): string => randomUUID().replace(/-/g, '').slice(0, 10);

export interface UserRow {
  readonly id: string;
  readonly tenantId: string;
  readonly objectId: string;
  readonly createdAt: Date;
}

export interface UserFields {
  readonly tokenRoles?: readonly string[];
  readonly status?: 'active' | 'suspended';
  readonly displayName?: string | null;
  readonly email?: string | null;
}

/** A user as sign-in provisions one (a fresh tenant and object id), with the fields given. */
export async function insertUser(db: Queryable, fields: UserFields = {}): Promise<UserRow> {
  const [row] = await db.query<{ id: string; tenant_id: string; object_id: string; created_at: Date }[]>(
    `INSERT INTO users (tenant_id, object_id, token_roles, status, display_name, email)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, tenant_id, object_id, created_at`,
    [
      randomUUID(),
      randomUUID(),
      [...(fields.tokenRoles ?? [])],
      fields.status ?? 'active',
      fields.displayName ?? null,
      fields.email ?? null,
    ],
  );
  return { id: row.id, tenantId: row.tenant_id, objectId: row.object_id, createdAt: row.created_at };
}

export interface PublishedRow {
  readonly key: string;
  readonly version: number;
  readonly definition: WorkflowDefinition;
}

/**
 * A key for a spec's definition. `zz-`: it sorts after the keys the other suites publish, whose
 * first page of the definition list it then leaves as it was.
 */
export const definitionKey = (name = 'review'): string => `zz-${name}-${uniqueSuffix()}`;

/**
 * A request and its review: `draft` → `review` (`submit`, the initiator) → `approved` (`approve`,
 * an approver who did not start it; a terminal state). Valid, as every published row must be: the
 * other suites on the run's database read every version to build their lists' rules.
 */
export function reviewDefinitionDocument(key = definitionKey()): Record<string, unknown> {
  return {
    key,
    title: `Review ${key}`,
    states: [{ name: 'draft', initial: true }, { name: 'review' }, { name: 'approved', terminal: true }],
    transitions: [
      { name: 'submit', from: 'draft', to: 'review', role: 'requester', actor: 'initiator' },
      { name: 'approve', from: 'review', to: 'approved', role: 'approver', separationOfDuties: { notInitiator: true } }, // prettier-ignore
    ],
  };
}

/** The validator's definition for `document`; throws on a document that is not valid. */
export function validDefinition(document: Record<string, unknown> = reviewDefinitionDocument()): WorkflowDefinition {
  const result = validateDefinition(document);
  if (!result.valid) throw new Error(`Not a valid definition: ${JSON.stringify(result.violations)}`);
  return result.definition;
}

/** Publishes `document` (validated first) as its key's next version, seeded (no publisher). */
export async function insertDefinition(
  db: Queryable,
  document: Record<string, unknown> = reviewDefinitionDocument(),
): Promise<PublishedRow> {
  const definition = validDefinition(document);
  const [row] = await db.query<{ version: number }[]>(
    `INSERT INTO workflow_definitions (key, version, title, definition)
     SELECT $1, coalesce(max(version), 0) + 1, $2, $3 FROM workflow_definitions WHERE key = $1
     RETURNING version`,
    [definition.key, definition.title, JSON.stringify(definition)],
  );
  return { key: definition.key, version: row.version, definition };
}

export interface InstanceRow {
  readonly id: string;
  readonly state: string;
  readonly createdAt: Date;
}

/**
 * An instance of `published` in `state` (its initial one unless given), started by `initiatorId`
 * (a participant, as a start makes them); `createdAt` places it for paging.
 */
export async function insertInstance(
  db: Queryable,
  published: PublishedRow,
  initiatorId: string,
  fields: { readonly state?: string; readonly createdAt?: Date } = {},
): Promise<InstanceRow> {
  const state = fields.state ?? published.definition.states.find((candidate) => candidate.initial)!.name;
  const terminal = published.definition.states.some((candidate) => candidate.name === state && candidate.terminal);
  const [row] = await db.query<{ id: string; created_at: Date }[]>(
    `INSERT INTO workflow_instances (definition_key, definition_version, state, terminal, initiator_id, created_at)
     VALUES ($1, $2, $3, $4, $5, coalesce($6, date_trunc('milliseconds', now())))
     RETURNING id, created_at`,
    [published.key, published.version, state, terminal, initiatorId, fields.createdAt ?? null],
  );
  await db.query(`INSERT INTO workflow_participants (instance_id, user_id, instance_created_at) VALUES ($1, $2, $3)`, [
    row.id,
    initiatorId,
    row.created_at,
  ]);
  return { id: row.id, state, createdAt: row.created_at };
}

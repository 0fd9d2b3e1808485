import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '@flowgate/core';
import type { EntityManager } from 'typeorm';
import type { WorkflowDefinition } from '../definition/workflow-definition';
import type { PublishedDefinition } from './published-definition';

const COLUMNS = 'key, version, title, definition, published_by, published_at';

/** A list entry: the latest version of a key, without its states and transitions. */
export interface DefinitionSummary {
  readonly key: string;
  readonly version: number;
  readonly title: string;
  readonly description: string | undefined;
  readonly publishedBy: string | null;
  readonly publishedAt: Date;
}

/** SQL for the immutable `workflow_definitions` table. Writes run in the caller's unit of work. */
@Injectable()
export class WorkflowDefinitionsRepository {
  constructor(private readonly transactions: TransactionRunner) {}

  /**
   * Publishers of one key take turns until their transaction ends, so each computes the next
   * version from committed rows: concurrent publishes get consecutive versions instead of racing
   * for the same one. Other keys, and readers, are not held up.
   */
  async lockKeyForPublishing(key: string, manager: EntityManager): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('workflow_definitions'), hashtext($1))`, [key]);
  }

  /**
   * Inserts the definition as the key's next version. Undefined when that version appeared in
   * the meantime (a writer that did not take the key's lock): nothing was written, and the
   * transaction is still usable, so the caller may try again.
   */
  async insertNextVersion(
    definition: WorkflowDefinition,
    publishedBy: string | null,
    manager: EntityManager,
  ): Promise<PublishedDefinition | undefined> {
    const rows = await manager.query<Record<string, unknown>[]>(
      `INSERT INTO workflow_definitions (key, version, title, definition, published_by)
       SELECT $1, coalesce(max(version), 0) + 1, $2, $3, $4 FROM workflow_definitions WHERE key = $1
       ON CONFLICT (key, version) DO NOTHING
       RETURNING ${COLUMNS}`,
      [definition.key, definition.title, JSON.stringify(definition), publishedBy],
    );
    return rows[0] ? toPublished(rows[0]) : undefined;
  }

  // The store's reads run on the caller's connection when a unit of work is open (starting or
  // moving an instance inside an idempotent request), else straight on the pool: see
  // TransactionRunner.query().
  async findVersion(key: string, version: number): Promise<PublishedDefinition | undefined> {
    const rows = await this.transactions.query<Record<string, unknown>>(
      `SELECT ${COLUMNS} FROM workflow_definitions WHERE key = $1 AND version = $2`,
      [key, version],
    );
    return rows[0] ? toPublished(rows[0]) : undefined;
  }

  /** The key's highest version (an index-only lookup), or undefined when it has none. */
  async latestVersionOf(key: string): Promise<number | undefined> {
    const rows = await this.transactions.query<{ version: number | null }>(
      `SELECT max(version) AS version FROM workflow_definitions WHERE key = $1`,
      [key],
    );
    return rows[0]?.version ?? undefined;
  }

  /** The latest version of each key, by key ascending, starting after `afterKey`. */
  async listLatest(filter: { readonly afterKey?: string; readonly limit: number }): Promise<DefinitionSummary[]> {
    const rows = await this.transactions.query<Record<string, unknown>>(
      `SELECT DISTINCT ON (key) key, version, title, definition->>'description' AS description, published_by,
              published_at
       FROM workflow_definitions
       WHERE $1::text IS NULL OR key > $1::text
       ORDER BY key, version DESC
       LIMIT $2`,
      [filter.afterKey ?? null, filter.limit],
    );
    return rows.map((row) => ({
      key: row.key as string,
      version: row.version as number,
      title: row.title as string,
      description: (row.description as string | null) ?? undefined,
      publishedBy: row.published_by as string | null,
      publishedAt: row.published_at as Date,
    }));
  }
}

function toPublished(row: Record<string, unknown>): PublishedDefinition {
  return {
    key: row.key as string,
    version: row.version as number,
    title: row.title as string,
    // Versions published before `visibility` existed take its default, so their instances are no
    // longer readable by everyone (they were): the fix applies to what is already running.
    definition: deepFreeze({ visibility: 'participants', ...(row.definition as object) } as WorkflowDefinition),
    publishedBy: row.published_by as string | null,
    publishedAt: row.published_at as Date,
  };
}

/** Frozen like the validator's output: the engine caches compiled schemas per definition object. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}

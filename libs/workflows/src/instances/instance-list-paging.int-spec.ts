import { randomUUID } from 'node:crypto';
import type { PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { orderMigrations, TransactionRunner } from '@flowgate/core';
import { createScratchDatabase, type ScratchDatabase } from '@flowgate/testing';
import { AUDIT_MIGRATIONS } from '@flowgate/audit';
import { TRAFFIC_MIGRATIONS } from '@flowgate/traffic';
import { USERS_MIGRATIONS } from '@flowgate/users';
import { WORKFLOWS_MIGRATIONS } from '../migrations';
import { mayActNow, maySee } from '../authority/instance-authority';
import { validateDefinition } from '../definition/definition-validator';
import type { WorkflowDefinition } from '../definition/workflow-definition';
import type { ListScope } from './instance-list-query';
import { listScope } from './list-scope';
import { WorkflowInstancesRepository } from './workflow-instances.repository';

/**
 * Keyset paging over a list filtered by authority: 1,000 instances of one definition, created in
 * 40 distinct milliseconds (so most rows tie on `created_at` and the id must break the tie), seen
 * by one approver for a dozen different reasons or none. Every page is fetched as the service does
 * (one row more than the page, the last row as the cursor); together the pages must hold each
 * expected instance exactly once, in order, with no gaps and no duplicates.
 */

const COUNT = 1_000;
const PAGE = 37;

const definition = ((): WorkflowDefinition => {
  const result = validateDefinition({
    key: 'paging',
    title: 'Paging',
    states: [{ name: 'open', initial: true }, { name: 'review' }, { name: 'closed', terminal: true }],
    transitions: [
      { name: 'send', from: 'open', to: 'review', role: 'requester', actor: 'initiator' },
      { name: 'check', from: 'open', to: 'closed', role: 'approver', separationOfDuties: { notInitiator: true } },
      { name: 'decide', from: 'review', to: 'closed', role: 'approver', actor: 'assignee' },
    ],
  });
  if (!result.valid) throw new Error(JSON.stringify(result.violations));
  return result.definition;
})();

interface Row {
  readonly id: string;
  readonly createdAt: Date;
  readonly state: 'open' | 'review' | 'closed';
  readonly initiatorId: string;
  readonly assigneeIds: string[];
  readonly participants: Set<string>;
}

/** The tables these services touch, and those they reference (users) or rely on being there. */
const SCHEMA = orderMigrations(USERS_MIGRATIONS, AUDIT_MIGRATIONS, TRAFFIC_MIGRATIONS, WORKFLOWS_MIGRATIONS);
describe('Instance list paging, filtered by authority', () => {
  let scratch: ScratchDatabase;
  let dataSource: DataSource;
  let instances: WorkflowInstancesRepository;
  const key = `paging-${randomUUID().slice(0, 8)}`;
  let me: string;
  let others: string[];
  let rows: Row[];

  beforeAll(async () => {
    // A database of its own: its many definitions would crowd the other suites' lists.
    scratch = await createScratchDatabase('paging_spec', SCHEMA);
    dataSource = scratch.dataSource;
    instances = new WorkflowInstancesRepository(
      new TransactionRunner(dataSource, { setContext: () => undefined } as unknown as PinoLogger),
    );
    const users = await dataSource.query<{ id: string }[]>(
      `INSERT INTO users (tenant_id, object_id, token_roles)
       SELECT gen_random_uuid()::text, gen_random_uuid()::text, '{approver}' FROM generate_series(1, 4) RETURNING id`,
    );
    [me, ...others] = users.map((user) => user.id);
    await dataSource.query(`INSERT INTO workflow_definitions (key, version, title, definition) VALUES ($1, 1, 'Paging', $2)`, [key, JSON.stringify({ ...definition, key })]); // prettier-ignore
    rows = await seed();
  });

  afterAll(() => scratch?.drop());

  /** A deterministic mix: who started it, its state, who is assigned, whether I took part. */
  async function seed(): Promise<Row[]> {
    const base = Date.parse('2026-11-30T12:00:00.000Z');
    const seeded: Row[] = Array.from({ length: COUNT }, (_, n) => {
      const initiatorId = n % 9 === 0 ? me : others[n % others.length];
      const state = (['open', 'review', 'closed'] as const)[n % 3];
      const assigneeIds = state !== 'review' ? [] : n % 4 === 0 ? [me] : n % 4 === 1 ? [others[0]] : [];
      const participants = new Set([initiatorId, ...assigneeIds, ...(n % 11 === 0 ? [me] : [])]);
      return { id: randomUUID(), createdAt: new Date(base + (n % 40)), state, initiatorId, assigneeIds, participants };
    });
    await dataSource.query(
      `INSERT INTO workflow_instances (id, definition_key, definition_version, state, terminal, initiator_id, created_at)
       SELECT id, $1, 1, state, state = 'closed', initiator_id, created_at
       FROM unnest($2::uuid[], $3::text[], $4::uuid[], $5::timestamptz[]) AS t(id, state, initiator_id, created_at)`,
      [key, seeded.map((r) => r.id), seeded.map((r) => r.state), seeded.map((r) => r.initiatorId), seeded.map((r) => r.createdAt)], // prettier-ignore
    );
    const pairs = (select: (row: Row) => Iterable<string>) =>
      seeded.flatMap((row) => [...select(row)].map((userId) => [row.id, userId, row.createdAt] as const));
    const participants = pairs((row) => row.participants);
    await dataSource.query(
      `INSERT INTO workflow_participants (instance_id, user_id, instance_created_at)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[])`,
      [participants.map((p) => p[0]), participants.map((p) => p[1]), participants.map((p) => p[2])],
    );
    const assignments = pairs((row) => row.assigneeIds);
    await dataSource.query(
      `INSERT INTO workflow_assignments (instance_id, user_id, assigned_by)
       SELECT instance_id, user_id, user_id FROM unnest($1::uuid[], $2::uuid[]) AS t(instance_id, user_id)`,
      [assignments.map((a) => a[0]), assignments.map((a) => a[1])],
    );
    return seeded;
  }

  /** Newest first, ties broken by id descending: the list's order. */
  const inListOrder = (selected: Row[]) =>
    [...selected]
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
      .map((row) => row.id);

  function request(row: Row) {
    return {
      definition,
      instance: { state: row.state, initiatorId: row.initiatorId, assigneeIds: row.assigneeIds },
      actorsByTransition: {},
      votes: {},
      principal: { userId: me, roles: ['approver' as const], stepUpSatisfied: false },
    };
  }

  async function allPages(scope: ListScope): Promise<{ ids: string[]; pages: number }> {
    const ids: string[] = [];
    let after: { createdAt: string; id: string } | undefined;
    for (let pages = 1; pages <= COUNT; pages++) {
      const found = await instances.list({ definitionKey: key, scope, after, limit: PAGE + 1 });
      const page = found.slice(0, PAGE);
      ids.push(...page.map((row) => row.id));
      const last = page.at(-1);
      if (found.length <= PAGE || !last) return { ids, pages };
      after = { createdAt: last.createdAt.toISOString(), id: last.id };
    }
    throw new Error('paging did not end');
  }

  const versions = () => [{ key, version: 1, definition }];

  it.each<[string, () => ListScope, (row: Row) => boolean]>([
    ['everything (admins and auditors)', () => ({ kind: 'everything' }), () => true],
    [
      'what an approver may see',
      () => listScope(versions(), { userId: me, roles: ['approver'] }, false),
      (row) => maySee(request(row), row.participants.has(me)),
    ],
    [
      'what waits for an approver',
      () => listScope(versions(), { userId: me, roles: ['approver'] }, true),
      (row) => mayActNow(request(row)),
    ],
  ])('%s: every instance once, in order, across pages', async (_name, scope, expected) => {
    const wanted = inListOrder(rows.filter(expected));
    // Neither everything nor nothing: the filter must select a real subset to prove anything.
    if (scope().kind !== 'everything') expect(wanted.length).toBeGreaterThan(PAGE * 3);
    if (scope().kind !== 'everything') expect(wanted.length).toBeLessThan(COUNT - PAGE);
    const { ids, pages } = await allPages(scope());
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(wanted);
    expect(pages).toBe(Math.max(1, Math.ceil(wanted.length / PAGE)));
  });
});

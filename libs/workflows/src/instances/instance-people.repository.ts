import { Injectable } from '@nestjs/common';
import type { Role } from '@flowgate/roles';
import type { EntityManager } from 'typeorm';
import type { WorkflowInstance } from './workflow-instance';

/**
 * SQL for who is assigned to an instance now (people, or the role its state is queued to) and who
 * has taken part in it. Writes only, in the caller's unit of work; instance reads carry the
 * assignees, the queue and the viewer's participation.
 */
@Injectable()
export class InstancePeopleRepository {
  /**
   * True when the person was not assigned yet. `assignedBy` null: the system assigned them (a
   * state's `assignTo`), and only a user who exists is assigned (false otherwise).
   */
  async assign(
    instanceId: string,
    userId: string,
    assignedBy: string | null,
    manager: EntityManager,
  ): Promise<boolean> {
    if (assignedBy === null) {
      const rows = await manager.query<unknown[]>(
        `INSERT INTO workflow_assignments (instance_id, user_id, assigned_by)
         SELECT $1, u.id, NULL FROM users u WHERE u.id = $2
         ON CONFLICT (instance_id, user_id) DO NOTHING RETURNING user_id`,
        [instanceId, userId],
      );
      return rows.length > 0;
    }
    const rows = await manager.query<unknown[]>(
      `INSERT INTO workflow_assignments (instance_id, user_id, assigned_by) VALUES ($1, $2, $3)
       ON CONFLICT (instance_id, user_id) DO NOTHING RETURNING user_id`,
      [instanceId, userId, assignedBy],
    );
    return rows.length > 0;
  }

  /** True when the person was assigned. */
  async unassign(instanceId: string, userId: string, manager: EntityManager): Promise<boolean> {
    const [, affected] = await manager.query<[unknown, number]>(
      `DELETE FROM workflow_assignments WHERE instance_id = $1 AND user_id = $2`,
      [instanceId, userId],
    );
    return affected > 0;
  }

  /**
   * Queues the current state's work to a role (`assignTo: {"role": …}`), for this visit to the
   * state: written before the instance row is moved or read back, so it shows the queue.
   */
  async queueToRole(instanceId: string, role: Role, manager: EntityManager): Promise<void> {
    await manager.query(`UPDATE workflow_instances SET assigned_role = $2 WHERE id = $1`, [instanceId, role]);
  }

  /**
   * Leaving a state ends its assignments, people and role queue alike: the next step is someone
   * else's to take or be given. One round trip; the instance row is written only when it had a queue.
   */
  async clearAssignments(instanceId: string, manager: EntityManager): Promise<void> {
    await manager.query(
      `WITH ended AS (DELETE FROM workflow_assignments WHERE instance_id = $1)
       UPDATE workflow_instances SET assigned_role = NULL WHERE id = $1 AND assigned_role IS NOT NULL`,
      [instanceId],
    );
  }

  /** Adds people to the instance's participants (who may always see it); already there is fine. */
  async addParticipants(instance: WorkflowInstance, userIds: readonly string[], manager: EntityManager): Promise<void> {
    await manager.query(
      `INSERT INTO workflow_participants (instance_id, user_id, instance_created_at)
       SELECT $1, user_id, $3 FROM unnest($2::uuid[]) AS user_id
       ON CONFLICT (instance_id, user_id) DO NOTHING`,
      [instance.id, [...new Set(userIds)], instance.createdAt],
    );
  }
}

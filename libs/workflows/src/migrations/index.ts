import type { MigrationList } from '@flowgate/core';
import { CreateWorkflows1795819000000 } from './1795819000000-CreateWorkflows';
import { AddWorkflowAssignmentsAndParticipants1795821000000 } from './1795821000000-AddWorkflowAssignmentsAndParticipants';
import { AddWorkflowTimers1795823400000 } from './1795823400000-AddWorkflowTimers';
import { AddWorkflowHistoryChanges1795824600000 } from './1795824600000-AddWorkflowHistoryChanges';
import { AddSystemAssignments1795824700000 } from './1795824700000-AddSystemAssignments';
import { AddRoleQueues1795824800000 } from './1795824800000-AddRoleQueues';
import { AddTraceContext1795825600000 } from './1795825600000-AddTraceContext';

/**
 * The workflows feature's tables (definitions, instances, history, assignments, participants, timers
 * and the outbox), in order. They reference `users (id)`: the users feature's 1795816000000 runs first.
 */
export const WORKFLOWS_MIGRATIONS: MigrationList = [
  CreateWorkflows1795819000000,
  AddWorkflowAssignmentsAndParticipants1795821000000,
  AddWorkflowTimers1795823400000,
  AddWorkflowHistoryChanges1795824600000,
  AddSystemAssignments1795824700000,
  AddRoleQueues1795824800000,
  AddTraceContext1795825600000,
];

import { Module } from '@nestjs/common';
import { AuditModule } from '@flowgate/audit';
import { DatabaseModule, MetricsModule } from '@flowgate/core';
import { TrafficModule } from '@flowgate/traffic';
import { UsersModule } from '@flowgate/users';
import { WorkflowDefinitionsModule } from './definitions/workflow-definitions.module';
import { InstanceAccess } from './instances/instance-access';
import { InstancePeopleRepository } from './instances/instance-people.repository';
import { WorkflowAssignmentsController } from './instances/workflow-assignments.controller';
import { WorkflowAssignmentsService } from './instances/workflow-assignments.service';
import { WorkflowInstancesRepository } from './instances/workflow-instances.repository';
import { WorkflowMetrics } from './instances/workflow-metrics';
import { WorkflowTransitionsService } from './instances/workflow-transitions.service';
import { WorkflowsController } from './instances/workflows.controller';
import { WorkflowsService } from './instances/workflows.service';
import { EntryAssignments } from './instances/entry-assignments';
import { InstanceMoves } from './instances/instance-moves';
import { TimerFiring } from './timers/timer-firing.service';
import { TimerMetrics } from './timers/timer-metrics';
import { WorkflowTimersJob } from './timers/workflow-timers.job';
import { WorkflowTimersRepository } from './timers/workflow-timers.repository';

/**
 * Workflow definitions (published, versioned) and instances (started, moved, inspected), and the
 * job that fires their timers.
 */
@Module({
  imports: [
    WorkflowDefinitionsModule,
    DatabaseModule,
    MetricsModule,
    // Transitions, assignments and starts are audited; refusals recorded as denials.
    AuditModule,
    // Who a person is and what they may do, for assignments.
    UsersModule,
    // `@Idempotent()` starts, transitions and assignments.
    TrafficModule,
  ],
  controllers: [WorkflowsController, WorkflowAssignmentsController],
  providers: [
    WorkflowInstancesRepository,
    InstancePeopleRepository,
    InstanceAccess,
    WorkflowsService,
    WorkflowTransitionsService,
    WorkflowAssignmentsService,
    WorkflowMetrics,
    InstanceMoves,
    EntryAssignments,
    WorkflowTimersRepository,
    TimerFiring,
    TimerMetrics,
    WorkflowTimersJob,
  ],
  // The worker runs the timers (apps/worker/src/worker-jobs.ts).
  exports: [WorkflowTimersJob],
})
export class WorkflowsModule {}

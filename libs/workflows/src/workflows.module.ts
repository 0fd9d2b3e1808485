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

/** Workflow definitions (published, versioned) and instances (started, moved, inspected). */
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
  ],
})
export class WorkflowsModule {}

import { Module } from '@nestjs/common';
import { WorkflowDefinitionsModule } from './definitions/workflow-definitions.module';
import { WorkflowInstancesRepository } from './instances/workflow-instances.repository';
import { WorkflowMetrics } from './instances/workflow-metrics';
import { WorkflowTransitionsService } from './instances/workflow-transitions.service';
import { WorkflowsController } from './instances/workflows.controller';
import { WorkflowsService } from './instances/workflows.service';

/** Workflow definitions (published, versioned) and instances (started, moved, inspected). */
@Module({
  imports: [WorkflowDefinitionsModule],
  controllers: [WorkflowsController],
  providers: [WorkflowInstancesRepository, WorkflowsService, WorkflowTransitionsService, WorkflowMetrics],
})
export class WorkflowsModule {}

import { Module } from '@nestjs/common';
import { AuditModule } from '@flowgate/audit';
import { DatabaseModule } from '@flowgate/core';
import { TrafficModule } from '@flowgate/traffic';
import { ExampleDefinitionsSeeder } from './example-definitions.seeder';
import { WorkflowDefinitionStore } from './workflow-definition-store';
import { WorkflowDefinitionsController } from './workflow-definitions.controller';
import { WorkflowDefinitionsRepository } from './workflow-definitions.repository';
import { WorkflowDefinitionsService } from './workflow-definitions.service';

/** Publishing and reading workflow definitions; `WorkflowDefinitionStore` serves them to instances. */
@Module({
  // Publishing is audited; `@Idempotent()` on publish.
  imports: [DatabaseModule, AuditModule, TrafficModule],
  controllers: [WorkflowDefinitionsController],
  providers: [
    WorkflowDefinitionsRepository,
    WorkflowDefinitionStore,
    WorkflowDefinitionsService,
    ExampleDefinitionsSeeder,
  ],
  exports: [WorkflowDefinitionStore],
})
export class WorkflowDefinitionsModule {}

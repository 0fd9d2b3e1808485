import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { FlowgateConfig } from '@flowgate/core';
import { PinoLogger } from 'nestjs-pino';
import { ACCESS_REQUEST_DEFINITION } from '../examples/access-request';
import { PURCHASE_REQUEST_DEFINITION } from '../examples/purchase-request';
import { WorkflowDefinitionsService } from './workflow-definitions.service';

const EXAMPLE_DEFINITIONS = [PURCHASE_REQUEST_DEFINITION, ACCESS_REQUEST_DEFINITION] as const;

/**
 * Development only (DESIGN §2): a fresh `npm start` has the two example definitions to try the API
 * with. Each is published as version 1 of its key, or as a new version when the examples changed
 * since the last seeding (never over a version an admin published), so a restart, or several
 * instances starting together, seed nothing twice. Never in test or production, where definitions
 * are whatever admins published.
 */
@Injectable()
export class ExampleDefinitionsSeeder implements OnApplicationBootstrap {
  constructor(
    private readonly config: FlowgateConfig,
    private readonly definitions: WorkflowDefinitionsService,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext(ExampleDefinitionsSeeder.name);
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.app.environment !== 'development') return;
    for (const example of EXAMPLE_DEFINITIONS) {
      try {
        if (await this.definitions.seed(example)) this.logger.info(`Seeded the example workflow "${example.key}"`);
      } catch (error) {
        // A convenience, not a dependency: the API is still usable without the examples.
        this.logger.warn({ err: error }, `Could not seed the example workflow "${example.key}"`);
      }
    }
  }
}

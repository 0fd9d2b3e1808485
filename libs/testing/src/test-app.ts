import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FlowgateConfig } from '@flowgate/core';
import type { LogCapture } from './log-capture';

/**
 * A running application under test. Built by the application's own test support
 * (`test/support/create-test-app.ts` for the API): this library never imports an app, so that
 * apps depend on libraries and never the other way round.
 */
export interface TestApp {
  readonly app: NestFastifyApplication;
  readonly config: FlowgateConfig;
  /** Base URL of the listening app, e.g. for the generated SDK. */
  readonly url: string;
  readonly logs: LogCapture;
  close(): Promise<void>;
}

import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { CoreModuleOptions, createHttpApp, FlowgateConfig } from '@flowgate/core';
import { AppModule } from './app.module';
import { setupOpenApi } from './openapi/setup-openapi';

/** The API application, configured but not listening. `main.ts` and the tests both start here. */
export async function createApiApp(
  config: FlowgateConfig,
  options: CoreModuleOptions = {},
): Promise<NestFastifyApplication> {
  const app = await createHttpApp(AppModule.register(config, options), config);
  setupOpenApi(app);
  return app;
}

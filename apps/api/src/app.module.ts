import { DynamicModule, Module } from '@nestjs/common';
import { AuditModule } from '@flowgate/audit';
import { AuthModule } from '@flowgate/auth';
import { CoreModule, CoreModuleOptions, FlowgateConfig, RequestShapeModule } from '@flowgate/core';
import { TrafficModule } from '@flowgate/traffic';
import { UsersModule } from '@flowgate/users';
import { WorkflowsModule } from '@flowgate/workflows';
import { registerApiErrorCodes } from './error-codes';
import { API_MIGRATIONS } from './migrations';

/** The API's composition root: infrastructure from CoreModule plus the feature modules. */
@Module({})
export class AppModule {
  static register(config: FlowgateConfig, options: CoreModuleOptions = {}): DynamicModule {
    registerApiErrorCodes();
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(config, { migrations: API_MIGRATIONS, ...options }),
        AuthModule.register(config),
        // After AuthModule: its rate-limit guard limits the caller the auth guards identified.
        TrafficModule.register(config),
        AuditModule,
        UsersModule,
        WorkflowsModule,
        // Last: its guard judges the query and body against the route once the guards above have
        // identified, authorized and counted the caller.
        RequestShapeModule,
      ],
    };
  }
}

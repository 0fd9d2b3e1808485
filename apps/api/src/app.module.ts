import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuditModule } from '@flowgate/audit';
import { AuthModule } from '@flowgate/auth';
import { CoreModule, CoreModuleOptions, FlowgateConfig, RequestShapeModule } from '@flowgate/core';
import { TrafficModule } from '@flowgate/traffic';
import { UsersModule } from '@flowgate/users';
import { WebhooksModule } from '@flowgate/webhooks';
import { WorkflowsModule } from '@flowgate/workflows';
import { AppPageModule } from './app-page/app-page.module';
import { GlobalGuards } from './global-guards';
import { registerApiErrorCodes } from './error-codes';
import { API_MIGRATIONS } from './migrations';

/**
 * The API's composition root: infrastructure from CoreModule plus the feature modules, each of
 * which imports what it uses (no feature module is global; docs/architecture.md, "Modules"). Two
 * things are decided here and nowhere else: which modules implement auth's ports, and the order of
 * the global guards (`GlobalGuards`, the only `APP_GUARD`).
 */
@Module({})
export class AppModule {
  static register(config: FlowgateConfig, options: CoreModuleOptions = {}): DynamicModule {
    registerApiErrorCodes();
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(config, { migrations: API_MIGRATIONS, ...options }),
        AuthModule.register(config, {
          principalDirectory: UsersModule,
          accessDenials: AuditModule,
          failedAuthentications: TrafficModule,
        }),
        TrafficModule,
        AuditModule,
        UsersModule,
        WorkflowsModule,
        WebhooksModule,
        RequestShapeModule,
        AppPageModule,
      ],
      providers: [{ provide: APP_GUARD, useClass: GlobalGuards }],
    };
  }
}

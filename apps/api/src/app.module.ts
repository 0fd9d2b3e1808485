import { DynamicModule, Module } from '@nestjs/common';
import { CoreModule, CoreModuleOptions, FlowgateConfig } from '@flowgate/core';

/** The API's composition root: infrastructure from CoreModule plus the feature modules. */
@Module({})
export class AppModule {
  static register(config: FlowgateConfig, options: CoreModuleOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [CoreModule.forRoot(config, options)],
    };
  }
}

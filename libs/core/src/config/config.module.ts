import { DynamicModule, Global, Module } from '@nestjs/common';
import { FlowgateConfig } from './flowgate-config';

/** Makes the configuration validated at boot injectable everywhere as `FlowgateConfig`. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: FlowgateConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: FlowgateConfig, useValue: config }],
      exports: [FlowgateConfig],
    };
  }
}

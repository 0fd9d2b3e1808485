import { DynamicModule, Global, Module } from '@nestjs/common';
import { DATABASE_MIGRATIONS, type MigrationList } from '../database/migrations';
import { FlowgateConfig } from './flowgate-config';

/**
 * Makes the configuration validated at boot injectable everywhere as `FlowgateConfig`.
 *
 * The one global module of ours (docs/architecture.md, "Modules"). Every other module, core
 * infrastructure included, is imported where it is used. The configuration is different: an
 * immutable value, validated before Nest starts, with no behaviour and no connection behind it,
 * that nearly every provider reads a section of (as nestjs-pino's logger, also global, is written
 * to by nearly every one). Importing it everywhere would add a line per module and say nothing
 * about the design; and since its value differs per app (tests run several in one process), a
 * non-global form would have to be threaded through every feature's `register(config)`. Imported
 * once, by `CoreModule.forRoot(config)`.
 */
@Global()
@Module({})
export class ConfigModule {
  /** `migrations`: the composition root's ordered list, for `DatabaseModule` (see DATABASE_MIGRATIONS). */
  static forRoot(config: FlowgateConfig, migrations: MigrationList = []): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: FlowgateConfig, useValue: config },
        { provide: DATABASE_MIGRATIONS, useValue: migrations },
      ],
      exports: [FlowgateConfig, DATABASE_MIGRATIONS],
    };
  }
}

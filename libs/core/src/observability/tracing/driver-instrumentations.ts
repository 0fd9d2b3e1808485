import { registerInstrumentations, type InstrumentationBase } from '@opentelemetry/instrumentation';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import Redis from 'ioredis';
import * as pg from 'pg';

/**
 * Spans for every SQL statement and every Redis command made inside a traced piece of work: the
 * pg and ioredis instrumentations, configured so that no value ever leaves the process. A
 * statement span carries the SQL text as written (values are `$1` parameters, never recorded:
 * `enhancedDatabaseReporting` stays off); a Redis span carries the command name only, never its
 * keys or arguments (which name users and idempotency keys). Work outside any span (a job's idle
 * poll) makes none (`requireParentSpan`).
 *
 * The instrumentations hook `require`, but Flowgate's libraries have loaded pg and ioredis before
 * configuration can say whether to trace (the config reader lives in the same index). So besides
 * registering the hook (for anything required later), this applies each instrumentation's own
 * patch to the module already loaded: the same function the hook would call, on the same shared
 * prototypes every earlier importer holds. Load order then cannot silently switch database spans
 * off, and a test applies exactly this to the modules Jest's registry loaded.
 *
 * Returns the function that removes the patches again (tests; shutdown).
 */
export function instrumentDrivers(): () => void {
  const postgres = new PgInstrumentation({
    requireParentSpan: true,
    enhancedDatabaseReporting: false,
    addSqlCommenterCommentToQueries: false,
  });
  const redis = new IORedisInstrumentation({
    requireParentSpan: true,
    dbStatementSerializer: (command) => command,
  });
  const unregister = registerInstrumentations({ instrumentations: [postgres, redis] });
  patchLoaded(postgres, 'pg', pg);
  patchLoaded(redis, 'ioredis', Redis);
  return unregister;
}

function patchLoaded(instrumentation: InstrumentationBase, name: string, moduleExports: unknown): void {
  for (const definition of instrumentation.getModuleDefinitions()) {
    if (definition.name !== name || !definition.patch) continue;
    definition.patch(moduleExports, definition.moduleVersion);
    // `disable()` unpatches the modules it knows of: this one too.
    definition.moduleExports = moduleExports;
  }
}

import { ConfigError } from '../config/config-error';

/** Plain console output for the moments before (and after) the structured logger exists. */
export const say = (message: string): void => void process.stdout.write(`${message}\n`);

/** The configuration `load` reads, or exit 1 with its one-line message (every bad variable named). */
export function configOrExit<C>(load: () => C): C {
  try {
    return load();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}

/**
 * On the first SIGTERM or SIGINT: say so, run `close` (drain, close connections), exit 0, or 1 if
 * closing failed. An entry point owns the signals rather than Nest's enableShutdownHooks(), which
 * re-raises the signal after close() and would kill the process before its own last steps.
 */
export function closeOnSignals(what: string, close: () => Promise<void>): void {
  let closing = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    say(`${signal} received: ${what}`);
    try {
      await close();
      process.exit(0);
    } catch (error) {
      process.stderr.write(`Shutdown failed: ${String(error)}\n`);
      process.exit(1);
    }
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

/** For an entry point's `bootstrap().catch(...)`: the reason on stderr, exit 1. */
export function exitOnStartFailure(name: string): (error: unknown) => void {
  return (error) => {
    const reason = error instanceof Error ? (error.stack ?? error.message) : `unexpected rejection (${String(error)})`;
    process.stderr.write(`${name} failed to start: ${reason}\n`);
    process.exit(1);
  };
}

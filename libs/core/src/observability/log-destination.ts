import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import pino from 'pino';

/** Log lines gather in memory up to this many bytes before one write takes them all. */
export const LOG_WRITE_BYTES = 4096;
/** ...or until this interval passes, so that a quiet instance's lines still leave promptly. */
export const LOG_FLUSH_INTERVAL_MS = 250;

type StdoutDestination = ReturnType<typeof pino.destination>;

let stdout: StdoutDestination | undefined;

/**
 * The process's stdout as the log destination: asynchronous, and written in blocks of about
 * `LOG_WRITE_BYTES` rather than one system call per line. Under load the access log alone was
 * a write per request, a tenth of the API's busy time (docs/performance.md); in blocks it is one
 * write per dozen or so requests. Lines wait at most `LOG_FLUSH_INTERVAL_MS`, and are flushed
 * synchronously when the app shuts down (`flushStdoutLogs`) and when the process exits (pino
 * registers an exit hook for asynchronous destinations). One per process, as stdout is.
 */
export function stdoutLogDestination(): StdoutDestination {
  stdout ??= pino.destination({
    dest: 1,
    sync: false,
    minLength: LOG_WRITE_BYTES,
    periodicFlush: LOG_FLUSH_INTERVAL_MS,
  });
  return stdout;
}

/** Writes whatever log lines are still buffered, before the process goes: the last lines of a
 * shutdown say why it happened. */
export function flushStdoutLogs(): void {
  try {
    stdout?.flushSync();
  } catch {
    // Not open yet (nothing was ever written) or already closed: nothing is buffered.
  }
}

/** Flushes the buffered log lines once the app has closed: the shutdown's own lines included. */
@Injectable()
export class FlushLogsOnShutdown implements OnApplicationShutdown {
  onApplicationShutdown(): void {
    flushStdoutLogs();
  }
}

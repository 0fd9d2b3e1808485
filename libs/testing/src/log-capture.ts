import type { DestinationStream } from 'pino';

export type LogLine = Record<string, unknown> & { msg?: string; level?: number };

/** A pino destination that keeps log lines in memory, so tests can assert what was logged
 * (and what was not: tokens, bodies). */
export class LogCapture implements DestinationStream {
  readonly lines: LogLine[] = [];

  write(chunk: string): void {
    for (const line of chunk.split('\n')) if (line.trim()) this.lines.push(JSON.parse(line) as LogLine);
  }

  get text(): string {
    return this.lines.map((line) => JSON.stringify(line)).join('\n');
  }

  find(predicate: (line: LogLine) => boolean): LogLine | undefined {
    return this.lines.find(predicate);
  }
}

import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { API_MIGRATIONS, loadApiConfigOverriding, registerApiErrorCodes } from '@flowgate/api';
import { CoreModule, type WorkerJob } from '@flowgate/core';
import { OutboxRelayJob, WebhookDeliveryJob, WebhookJobsModule } from '@flowgate/webhooks';

/** The webhook jobs of one worker, as the worker's runner would hold them. */
export interface WebhookJobs {
  readonly context: INestApplicationContext;
  readonly relay: OutboxRelayJob;
  readonly deliverer: WebhookDeliveryJob;
  /** Runs relay and deliverer until a round finds nothing due (or `maxRounds`); returns the work done. */
  drain(maxRounds?: number): Promise<number>;
  /** Runs both jobs in a loop, as the worker does, until `stop` (which waits for the round in hand). */
  loop(): { stop(): Promise<void> };
  close(): Promise<void>;
}

/**
 * A worker's webhook half on the test run's database and Redis: an application context with core's
 * infrastructure and `WebhookJobsModule` only (apps/worker lists these jobs in its composition
 * root). `env` overrides settings for this worker alone; several may run in one process.
 */
export async function createWebhookJobs(env: Readonly<Record<string, string>> = {}): Promise<WebhookJobs> {
  registerApiErrorCodes();
  const config = loadApiConfigOverriding({ DATABASE_MIGRATIONS_RUN: 'false', ...env });

  @Module({ imports: [CoreModule.forRoot(config, { migrations: API_MIGRATIONS }), WebhookJobsModule] })
  class WebhookWorkerModule {}

  const context = await NestFactory.createApplicationContext(WebhookWorkerModule, { logger: false });
  const relay = context.get(OutboxRelayJob);
  const deliverer = context.get(WebhookDeliveryJob);
  const never = new AbortController().signal;
  const round = async (signal: AbortSignal) => (await relay.runOnce(signal)) + (await deliverer.runOnce(signal));
  return {
    context,
    relay,
    deliverer,
    async drain(maxRounds = 100) {
      let total = 0;
      for (let i = 0; i < maxRounds; i++) {
        const done = await round(never);
        total += done;
        if (done === 0) break;
      }
      return total;
    },
    loop() {
      const stop = new AbortController();
      const running = (async () => {
        while (!stop.signal.aborted) {
          if ((await round(stop.signal)) === 0) await idle(jobsIdle([relay, deliverer]), stop.signal);
        }
      })();
      return {
        async stop() {
          stop.abort();
          await running;
        },
      };
    },
    close: () => context.close(),
  };
}

function jobsIdle(jobs: readonly WorkerJob[]): number {
  return Math.min(...jobs.map((job) => job.idleIntervalMs));
}

function idle(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

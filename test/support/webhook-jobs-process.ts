import { createWebhookJobs } from './webhook-jobs';

// A worker process running only the webhook jobs, for tests that kill it (`spawnWebhookWorker`).
// Settings come from its environment, like any process's; it says "ready" once it loops.
async function main(): Promise<void> {
  const jobs = await createWebhookJobs();
  const loop = jobs.loop();
  process.stdout.write('webhook worker ready\n');
  process.once('SIGTERM', () => {
    void loop
      .stop()
      .then(() => jobs.close())
      .then(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  process.stderr.write(
    `webhook worker failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});

import {
  AuditAnchorJob,
  AuditModule,
  AuditPartitionsJob,
  AuditRetentionJob,
  AuditSealerJob,
  AuditSealingModule,
} from '@flowgate/audit';
import type { WorkerJobList } from '@flowgate/core';
import { IdempotencyPurgeJob, TrafficModule } from '@flowgate/traffic';
import { OutboxRelayJob, WebhookDeliveryJob, WebhookJobsModule, WebhookRetentionJob } from '@flowgate/webhooks';
import { WorkflowsModule, WorkflowTimersJob } from '@flowgate/workflows';

/**
 * Every job the worker runs, in start order, and the modules that provide them: the one place to
 * add a job (import its module, list its class). Each is a `WorkerJob` (libs/core/src/jobs), safe
 * with any number of replicas. Timers first (a fired timer writes an outbox event), then the
 * outbox relay (events → deliveries, in order per instance), then the deliverer; the audit sealer
 * (links committed events into the hash chain within seconds); maintenance and purges, and the
 * audit anchor (signs the chain head once a minute), last.
 */
export const WORKER_JOB_LIST: WorkerJobList = {
  imports: [WorkflowsModule, TrafficModule, WebhookJobsModule, AuditModule, AuditSealingModule],
  jobs: [
    WorkflowTimersJob,
    OutboxRelayJob,
    WebhookDeliveryJob,
    AuditSealerJob,
    AuditPartitionsJob,
    AuditRetentionJob,
    IdempotencyPurgeJob,
    WebhookRetentionJob,
    AuditAnchorJob,
  ],
};

export * from './idempotency/idempotency-purge';
export * from './idempotency/idempotency.repository';
export * from './idempotency/idempotent.decorator';
export * from './traffic.module';
export * from './rate-limiting/traffic-problem-members';
export * from './migrations';
export * from './traffic-error-codes';
export * from './traffic.config';

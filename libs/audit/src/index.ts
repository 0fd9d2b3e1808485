export * from './audit-event';
export * from './audit.module';
export * from './audit.service';
export * from './hash-chain/audit-link';
export * from './hash-chain/verify-chain';
export * from './audit-actor';
export * from './migrations';
export * from './audit.config';

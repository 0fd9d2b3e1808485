export * from './etag';
export * from './flowgate-client';
export * from './flowgate-problem';
export * from './idempotency-key';
export type { components, operations, paths } from './generated/openapi';

export * from './flowgate-client';
export type { components, operations, paths } from './generated/openapi';

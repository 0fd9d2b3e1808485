export * from './config';
export * from './create-worker-app';
export * from './worker-jobs';
export * from './worker.module';

export * from './create-test-app';
export * from './log-capture';
export * from './tcp-proxy';

export * from './app.module';
export * from './create-api-app';
export * from './openapi/setup-openapi';
export * from './global-guards';
export * from './migrations';
export * from './error-codes';
export * from './config';

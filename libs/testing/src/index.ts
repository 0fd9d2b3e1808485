export * from './create-test-app';
export * from './log-capture';
export * from './tcp-proxy';
export * from './identity/entra-claims';
export * from './identity/forged-tokens';
export * from './identity/test-issuer';
export * from './probes/idempotency-probe.controller';
export * from './eventually';

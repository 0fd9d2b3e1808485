import type { Principal } from '../principal/principal';

/** A refusal worth keeping: who was refused what, and why (the problem code they received). */
export interface AccessDenial {
  readonly principal: Pick<Principal, 'tenantId' | 'objectId' | 'displayName'>;
  /** The action refused: `access.denied` at the guards, the attempted action (e.g. `user.role_granted`) in services. */
  readonly action: string;
  readonly resource: { readonly type: string; readonly id: string };
  /** The problem `code` of the refusal, e.g. `insufficient_role`. */
  readonly reason: string;
  /** What the refusal depended on, e.g. `{ requiredRole: 'admin' }`. */
  readonly detail?: Readonly<Record<string, unknown>>;
}

/**
 * Where the guards and services report security denials. The audit library implements it (an
 * event in its own transaction, repeats collapsed into a count); declared here so that the auth
 * library does not depend on the audit library, which depends on it.
 */
export abstract class AccessDenials {
  /** Never throws: a failure to record is logged, and the request is refused all the same. */
  abstract record(denial: AccessDenial): Promise<void>;
}

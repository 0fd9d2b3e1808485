import type { Principal } from '@flowgate/auth';
import type { EnginePrincipal } from '../engine/decision';

export function enginePrincipal(principal: Principal): EnginePrincipal {
  return { userId: principal.userId, roles: principal.roles, stepUpSatisfied: principal.stepUp.satisfied };
}

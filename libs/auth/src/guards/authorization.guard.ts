import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppError, routeTemplateOf } from '@flowgate/core';
import { ACCESS_REQUIREMENT, AccessRequirement } from '../decorators/authenticated.decorator';
import { AccessDenials } from '../denials/access-denials';
import type { AuthenticatedRequest, Principal } from '../principal/principal';
import { satisfies } from '@flowgate/roles';
import { stepUpRequiredFor } from './step-up-required';
import { isPublic } from './authentication.guard';

/**
 * Second global guard, after authentication: a suspended user is refused everywhere (403), then
 * the route's declared role (403) and step-up (401 with a challenge) are enforced. Every refusal
 * is reported to `AccessDenials` (the audit log) before it is thrown.
 */
@Injectable()
export class AuthorizationGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly denials: AccessDenials,
  ) {}

  /** Synchronous when it allows, as almost every request is: no promise made for nothing. */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (isPublic(this.reflector, context)) return true;
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const principal = req.user;
    if (!principal) return Promise.reject(new AppError('unauthenticated', 'Authentication is required.'));
    const refusal = this.refusal(principal, context);
    if (!refusal) return true;
    return this.refuse(req, principal, refusal);
  }

  /** Audits the refusal, then throws it. */
  private async refuse(
    req: AuthenticatedRequest,
    principal: Principal,
    refusal: { code: string; error: AppError; detail?: Record<string, unknown> },
  ): Promise<never> {
    await this.denials.record({
      principal,
      action: 'access.denied',
      resource: { type: 'route', id: `${req.method} ${routeTemplateOf(req)}` },
      reason: refusal.code,
      detail: refusal.detail,
    });
    throw refusal.error;
  }

  private refusal(
    principal: Principal,
    context: ExecutionContext,
  ): { code: string; error: AppError; detail?: Record<string, unknown> } | undefined {
    if (principal.status === 'suspended') {
      const error = new AppError('user_suspended', 'Your account is suspended; contact an administrator.');
      return { code: 'user_suspended', error };
    }
    const requirement =
      this.reflector.getAllAndOverride<AccessRequirement>(ACCESS_REQUIREMENT, [
        context.getHandler(),
        context.getClass(),
      ]) ?? {};
    if (requirement.role && !satisfies(principal.roles, requirement.role)) {
      const detail = { requiredRole: requirement.role };
      const error = new AppError('insufficient_role', `This requires the ${requirement.role} role.`, {
        extensions: detail,
      });
      return { code: 'insufficient_role', error, detail };
    }
    if (requirement.stepUp && !principal.stepUp.satisfied) {
      return { code: 'step_up_required', error: stepUpRequiredFor(principal, principal.stepUp) };
    }
    return undefined;
  }
}

import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppError } from '@flowgate/core';
import type { Request } from 'express';
import { ACCESS_REQUIREMENT, AccessRequirement } from '../decorators/authenticated.decorator';
import type { Principal } from '../principal/principal';
import { satisfies } from '../roles/role-hierarchy';
import { stepUpRequired } from './step-up-required';
import { isPublic } from './authentication.guard';

/**
 * Second global guard, after authentication: a suspended user is refused everywhere (403), then
 * the route's declared role (403) and step-up (401 with a challenge) are enforced.
 */
@Injectable()
export class AuthorizationGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (isPublic(this.reflector, context)) return true;
    const principal = context.switchToHttp().getRequest<Request & { user?: Principal }>().user;
    if (!principal) throw new AppError('unauthenticated', 'Authentication is required.');
    if (principal.status === 'suspended') {
      throw new AppError('user_suspended', 'Your account is suspended; contact an administrator.');
    }
    const requirement =
      this.reflector.getAllAndOverride<AccessRequirement>(ACCESS_REQUIREMENT, [
        context.getHandler(),
        context.getClass(),
      ]) ?? {};
    if (requirement.role && !satisfies(principal.roles, requirement.role)) {
      throw new AppError('insufficient_role', `This requires the ${requirement.role} role.`, {
        extensions: { requiredRole: requirement.role },
      });
    }
    if (requirement.stepUp && !principal.stepUp.satisfied) throw stepUpRequired(principal.stepUp);
    return true;
  }
}

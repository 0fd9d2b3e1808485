import { Injectable, PipeTransform } from '@nestjs/common';
import { AppError, pointerTo } from '@flowgate/core';
import { isRole, ROLES, type Role } from '@flowgate/auth';

/** A `{role}` path segment, checked against the role list (400 with a pointer otherwise). */
@Injectable()
export class RoleParamPipe implements PipeTransform<string, Role> {
  transform(value: string): Role {
    if (isRole(value)) return value;
    throw new AppError('validation_failed', `"${value}" is not a role.`, {
      errors: [
        { pointer: pointerTo('path', 'role'), detail: `role must be one of ${ROLES.join(', ')}`, code: 'is_in' },
      ],
    });
  }
}

import { isRole, ROLES, type Role } from '@flowgate/roles';
import { describeType, quote, type Report } from './document-reader';

/** A role name: one of `ROLES` (the hierarchy in libs/roles), else `unknown_role`. */
export function readRole(value: unknown, pointer: string, report: Report): Role | undefined {
  if (typeof value !== 'string') {
    report(pointer, 'invalid_type', `must be a role name, not ${describeType(value)}`);
    return undefined;
  }
  if (!isRole(value)) {
    report(pointer, 'unknown_role', `${quote(value)} is not a role; roles are ${ROLES.join(', ')}`);
    return undefined;
  }
  return value;
}

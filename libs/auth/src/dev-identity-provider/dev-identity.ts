import { createHash } from 'node:crypto';

/** The tenant every development user belongs to. */
export const DEV_TENANT_ID = '00000000-0000-4000-8000-00000000f10e';

/** A stable object id per development user name, so `alice` is the same user on every restart. */
export function devObjectId(user: string): string {
  const hex = createHash('sha256').update(`flowgate-dev-user:${user}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

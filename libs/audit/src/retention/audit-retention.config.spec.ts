import { ConfigError, configLoader } from '@flowgate/core';
import { readAuditConfig } from '../audit.config';

const load = configLoader({ audit: readAuditConfig }).load;

function problems(env: Record<string, string>): string {
  try {
    load(env);
    return '';
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.message;
  }
}

describe('AUDIT_RETENTION_MONTHS and AUDIT_ARCHIVE_DIR (the audit section)', () => {
  it('keeps every partition forever by default', () => {
    expect(load({}).audit.retention).toEqual({ months: undefined, archiveDir: undefined });
  });

  it('takes a retention in months with an absolute archive directory, and resolves a relative one', () => {
    expect(load({ AUDIT_RETENTION_MONTHS: '84', AUDIT_ARCHIVE_DIR: '/var/lib/flowgate/audit-archives' }).audit.retention).toEqual({ months: 84, archiveDir: '/var/lib/flowgate/audit-archives' }); // prettier-ignore
    expect(load({ AUDIT_RETENTION_MONTHS: '1', AUDIT_ARCHIVE_DIR: 'archives' }).audit.retention.archiveDir).toBe(`${process.cwd()}/archives`); // prettier-ignore
  });

  it.each([
    ['zero months', { AUDIT_RETENTION_MONTHS: '0', AUDIT_ARCHIVE_DIR: '/a' }, 'AUDIT_RETENTION_MONTHS must be a whole number from 1 to 1200 (got "0")'], // prettier-ignore
    ['negative months', { AUDIT_RETENTION_MONTHS: '-3', AUDIT_ARCHIVE_DIR: '/a' }, 'AUDIT_RETENTION_MONTHS must be a whole number from 1 to 1200 (got "-3")'], // prettier-ignore
    ['a fraction', { AUDIT_RETENTION_MONTHS: '1.5', AUDIT_ARCHIVE_DIR: '/a' }, 'AUDIT_RETENTION_MONTHS must be a whole number from 1 to 1200 (got "1.5")'], // prettier-ignore
    ['a retention with nowhere to archive', { AUDIT_RETENTION_MONTHS: '12' }, 'AUDIT_ARCHIVE_DIR is required when AUDIT_RETENTION_MONTHS is set'], // prettier-ignore
  ])('refuses %s', (_name, env, message) => {
    expect(problems(env)).toContain(message);
  });
});

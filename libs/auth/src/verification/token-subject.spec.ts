import { DEV_TENANT_ID } from '../dev-identity-provider/dev-identity';
import { canonicalUuid, isValidSubject, MAX_SUBJECT_LENGTH, SubjectVerdict, tokenSubject } from './token-subject';
import type { TrustedIssuerSpec } from './trusted-issuer';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const OTHER_TENANT = 'f8cdef31-a31e-4b4a-93e4-5f571e91255a';
const OID = '00000000-0000-4000-8000-00000000b0b1';
const OIDC_ISSUER = 'https://idp.example.com/realms/flowgate';

const entraV2: TrustedIssuerSpec = {
  issuer: `https://login.microsoftonline.com/${TENANT}/v2.0`,
  kind: 'entra-v2',
  discoveryUrl: `https://login.microsoftonline.com/${TENANT}/v2.0/.well-known/openid-configuration`,
  tenantId: TENANT,
};
const entraV1: TrustedIssuerSpec = {
  issuer: `https://sts.windows.net/${TENANT}/`,
  kind: 'entra-v1',
  discoveryUrl: `https://login.microsoftonline.com/${TENANT}/.well-known/openid-configuration`,
  tenantId: TENANT,
};
const development: TrustedIssuerSpec = {
  issuer: 'http://localhost:3000/dev-idp',
  kind: 'development',
  tenantId: DEV_TENANT_ID,
};
const oidc: TrustedIssuerSpec = {
  issuer: OIDC_ISSUER,
  kind: 'oidc',
  discoveryUrl: `${OIDC_ISSUER}/.well-known/openid-configuration`,
};

const accepted = (tenantId: string, objectId: string): SubjectVerdict => ({
  ok: true,
  subject: { tenantId, objectId },
});
const rejected = (reason: string) => ({ ok: false, reason });

describe('tokenSubject', () => {
  describe.each([
    ['entra-v2', entraV2, TENANT],
    ['entra-v1', entraV1, TENANT],
    ['development', development, DEV_TENANT_ID],
  ])('%s issuer: (its tenant, oid)', (_kind, issuer, tenant) => {
    it.each<[string, Record<string, unknown>, SubjectVerdict | ReturnType<typeof rejected>]>([
      ['tid and oid in canonical form', { tid: tenant, oid: OID }, accepted(tenant, OID)],
      ['oid in upper case: the same user', { tid: tenant, oid: OID.toUpperCase() }, accepted(tenant, OID)],
      ['tid in upper case: the same tenant', { tid: tenant.toUpperCase(), oid: OID }, accepted(tenant, OID)],
      ['sub is ignored: never the subject here', { tid: tenant, oid: OID, sub: 'someone-else' }, accepted(tenant, OID)],
      ['no tid', { oid: OID }, rejected('tid_not_issuer_tenant')],
      ['tid of another tenant', { tid: OTHER_TENANT, oid: OID }, rejected('tid_not_issuer_tenant')],
      ['tid padded', { tid: ` ${tenant}`, oid: OID }, rejected('tid_not_issuer_tenant')],
      ['tid in braces', { tid: `{${tenant}}`, oid: OID }, rejected('tid_not_issuer_tenant')],
      ['tid with a NUL', { tid: `${tenant}\u0000`, oid: OID }, rejected('tid_not_issuer_tenant')],
      ['tid not a string', { tid: [tenant], oid: OID }, rejected('tid_not_issuer_tenant')],
      ['tid the issuer URL', { tid: issuer.issuer, oid: OID }, rejected('tid_not_issuer_tenant')],
      ['no oid (and a sub to fall back on)', { tid: tenant, sub: OID }, rejected('oid_invalid')],
      ['oid empty', { tid: tenant, oid: '' }, rejected('oid_invalid')],
      ['oid not a UUID', { tid: tenant, oid: 'bob' }, rejected('oid_invalid')],
      ['oid padded with spaces', { tid: tenant, oid: ` ${OID} ` }, rejected('oid_invalid')],
      ['oid with a trailing newline', { tid: tenant, oid: `${OID}\n` }, rejected('oid_invalid')],
      ['oid with a NUL', { tid: tenant, oid: `${OID}\u0000` }, rejected('oid_invalid')],
      ['oid with a C1 control', { tid: tenant, oid: `${OID.slice(0, -1)}\u0085` }, rejected('oid_invalid')],
      ['oid without hyphens', { tid: tenant, oid: OID.replace(/-/g, '') }, rejected('oid_invalid')],
      ['oid in braces', { tid: tenant, oid: `{${OID}}` }, rejected('oid_invalid')],
      ['oid one digit short', { tid: tenant, oid: OID.slice(0, -1) }, rejected('oid_invalid')],
      ['oid with a non-hex letter', { tid: tenant, oid: `${OID.slice(0, -1)}g` }, rejected('oid_invalid')],
      ['oid with fullwidth digits', { tid: tenant, oid: OID.replace(/0/g, '\uff10') }, rejected('oid_invalid')],
      ['oid a number', { tid: tenant, oid: 42 }, rejected('oid_invalid')],
      ['oid an object', { tid: tenant, oid: { toString: () => OID } }, rejected('oid_invalid')],
    ])('%s', (_case, claims, verdict) => {
      expect(tokenSubject(issuer, claims)).toEqual(verdict);
    });
  });

  it('takes the source from the issuer, not the token: an upper-case configured tenant still yields lower case', () => {
    const shouting = { ...entraV2, tenantId: TENANT.toUpperCase() };
    expect(tokenSubject(shouting, { tid: TENANT, oid: OID })).toEqual(accepted(TENANT, OID));
  });

  describe('plain OIDC issuer: (the issuer, sub)', () => {
    it.each<[string, Record<string, unknown>, SubjectVerdict | ReturnType<typeof rejected>]>([
      ['a sub', { sub: 'user-42' }, accepted(OIDC_ISSUER, 'user-42')],
      ['tid and oid of an Entra user are ignored', { sub: 'u', tid: TENANT, oid: OID }, accepted(OIDC_ISSUER, 'u')],
      [
        'a sub that is a UUID in upper case is kept as is (opaque)',
        { sub: OID.toUpperCase() },
        accepted(OIDC_ISSUER, OID.toUpperCase()),
      ],
      ['a sub with colons and slashes', { sub: 'a:b/c' }, accepted(OIDC_ISSUER, 'a:b/c')],
      ['a sub with inner spaces', { sub: 'Jane Doe' }, accepted(OIDC_ISSUER, 'Jane Doe')],
      ['a sub with non-ASCII letters and an emoji', { sub: 'zoë-😀' }, accepted(OIDC_ISSUER, 'zoë-😀')],
      ['one character', { sub: 'x' }, accepted(OIDC_ISSUER, 'x')],
      ['255 characters', { sub: 'x'.repeat(255) }, accepted(OIDC_ISSUER, 'x'.repeat(255))],
      ['255 code points in 510 UTF-16 units', { sub: '😀'.repeat(255) }, accepted(OIDC_ISSUER, '😀'.repeat(255))],
      ['no sub (oid present)', { oid: OID, tid: TENANT }, rejected('sub_invalid')],
      ['empty sub', { sub: '' }, rejected('sub_invalid')],
      ['256 characters', { sub: 'x'.repeat(256) }, rejected('sub_invalid')],
      ['256 code points', { sub: '😀'.repeat(256) }, rejected('sub_invalid')],
      ['NUL', { sub: 'bob\u0000' }, rejected('sub_invalid')],
      ['NUL alone', { sub: '\u0000' }, rejected('sub_invalid')],
      ['a C0 control inside', { sub: 'b\u0007ob' }, rejected('sub_invalid')],
      ['a tab inside', { sub: 'b\tob' }, rejected('sub_invalid')],
      ['DEL', { sub: 'bob\u007f' }, rejected('sub_invalid')],
      ['a C1 control (NEL)', { sub: 'b\u0085ob' }, rejected('sub_invalid')],
      ['a C1 control (U+009F)', { sub: 'b\u009fob' }, rejected('sub_invalid')],
      ['a lone high surrogate', { sub: 'bob\ud83d' }, rejected('sub_invalid')],
      ['a lone low surrogate', { sub: '\ude00bob' }, rejected('sub_invalid')],
      ['a leading space', { sub: ' bob' }, rejected('sub_invalid')],
      ['a trailing space', { sub: 'bob ' }, rejected('sub_invalid')],
      ['a trailing newline', { sub: 'bob\n' }, rejected('sub_invalid')],
      ['a leading no-break space', { sub: '\u00a0bob' }, rejected('sub_invalid')],
      ['a trailing ideographic space', { sub: 'bob\u3000' }, rejected('sub_invalid')],
      ['a leading byte order mark', { sub: '\ufeffbob' }, rejected('sub_invalid')],
      ['whitespace only', { sub: '   ' }, rejected('sub_invalid')],
      ['a number', { sub: 42 }, rejected('sub_invalid')],
      ['an array', { sub: ['bob'] }, rejected('sub_invalid')],
      ['null', { sub: null }, rejected('sub_invalid')],
    ])('%s', (_case, claims, verdict) => {
      expect(tokenSubject(oidc, claims)).toEqual(verdict);
    });
  });

  it('never lets an OIDC issuer name an Entra source: its source is a URL, which is never a UUID', () => {
    const verdict = tokenSubject(oidc, { sub: OID, tid: TENANT, oid: OID });
    expect(verdict).toEqual(accepted(OIDC_ISSUER, OID));
    expect(canonicalUuid(OIDC_ISSUER)).toBeUndefined();
  });
});

describe('canonicalUuid', () => {
  it.each<[unknown, string | undefined]>([
    [OID, OID],
    [OID.toUpperCase(), OID],
    ['AbCdEf01-2345-6789-aBcD-ef0123456789', 'abcdef01-2345-6789-abcd-ef0123456789'],
    [` ${OID}`, undefined],
    [`${OID} `, undefined],
    [`{${OID}}`, undefined],
    [`urn:uuid:${OID}`, undefined],
    [OID.replace(/-/g, ''), undefined],
    ['', undefined],
    [undefined, undefined],
    [null, undefined],
    [123, undefined],
  ])('%j → %j', (value, expected) => {
    expect(canonicalUuid(value)).toBe(expected);
  });
});

describe('isValidSubject', () => {
  it('bounds at MAX_SUBJECT_LENGTH code points', () => {
    expect(MAX_SUBJECT_LENGTH).toBe(255);
    expect(isValidSubject('a'.repeat(MAX_SUBJECT_LENGTH))).toBe(true);
    expect(isValidSubject('a'.repeat(MAX_SUBJECT_LENGTH + 1))).toBe(false);
  });

  it('rejects every C0, DEL and C1 control character, and accepts the printable ones around them', () => {
    for (let code = 0; code <= 0xa0; code += 1) {
      const control = code <= 0x1f || (code >= 0x7f && code <= 0x9f);
      expect([code, isValidSubject(`a${String.fromCharCode(code)}b`)]).toEqual([code, !control]);
    }
  });
});

import { securityHeaders } from './security-headers';

describe('securityHeaders', () => {
  it("yields helmet's default headers, computed once", () => {
    const headers = securityHeaders();
    expect(headers).toMatchObject({
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'SAMEORIGIN',
      'Strict-Transport-Security': expect.stringContaining('max-age='),
      'Content-Security-Policy': expect.stringContaining("default-src 'self'"),
    });
    expect(Object.isFrozen(headers)).toBe(true);
  });
});

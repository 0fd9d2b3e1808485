import { TraceContextTrustPolicy } from './trace-context-trust';

describe('TraceContextTrustPolicy', () => {
  const gateway = new TraceContextTrustPolicy({
    mode: 'subnets',
    subnets: [
      { address: '10.0.0.0', prefix: 8, family: 'ipv4' },
      { address: '192.168.1.7', prefix: 32, family: 'ipv4' },
      { address: 'fd00::', prefix: 8, family: 'ipv6' },
    ],
  });

  it.each<[string | undefined, boolean]>([
    ['10.1.2.3', true],
    ['::ffff:10.1.2.3', true], // an IPv4 peer on a dual-stack socket
    ['192.168.1.7', true],
    ['192.168.1.8', false],
    ['11.0.0.1', false],
    ['::ffff:11.0.0.1', false],
    ['fd12::1', true],
    ['fe80::1', false],
    ['127.0.0.1', false],
    [undefined, false],
  ])('trusts %s from the listed subnets: %s', (peer, trusted) => {
    expect(gateway.trusts(peer)).toBe(trusted);
  });

  it('trusts everyone or no one when told', () => {
    expect(new TraceContextTrustPolicy({ mode: 'all' }).trusts('203.0.113.9')).toBe(true);
    expect(new TraceContextTrustPolicy({ mode: 'none' }).trusts('127.0.0.1')).toBe(false);
  });
});

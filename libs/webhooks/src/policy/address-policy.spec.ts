import { embeddedIpv4, judgeAddress, parseAddressRanges } from './address-policy';

const NONE = parseAddressRanges([]).list;

describe('judgeAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['::ffff:192.168.1.1', 'private'],
    ['100.64.0.1', 'shared'],
    ['169.254.169.254', 'metadata'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['fd00:ec2::254', 'metadata'],
    ['169.254.10.10', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456::1', 'unique-local'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['ff02::1', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['255.255.255.255', 'reserved'],
    ['240.0.0.1', 'reserved'],
    ['192.0.2.10', 'documentation'],
    ['2001:db8::1', 'documentation'],
    ['64:ff9b::a00:1', 'private'],
    ['2002:7f00:1::', 'loopback'],
    ['not an address', 'not-an-address'],
  ])('refuses %s (%s)', (address, range) => {
    expect(judgeAddress(address, NONE)).toEqual({ allowed: false, range });
  });

  it.each(['93.184.215.14', '8.8.8.8', '172.32.0.1', '2606:4700::1111', '::ffff:8.8.8.8', '64:ff9b::808:808'])(
    'allows the public address %s',
    (address) => {
      expect(judgeAddress(address, NONE)).toEqual({ allowed: true });
    },
  );

  it('allows what the allowlist names, and only that', () => {
    const { list } = parseAddressRanges(['127.0.0.1', '10.0.0.0/8', '::1/128']);
    expect(judgeAddress('127.0.0.1', list)).toEqual({ allowed: true });
    expect(judgeAddress('::ffff:127.0.0.1', list)).toEqual({ allowed: true });
    expect(judgeAddress('::1', list)).toEqual({ allowed: true });
    expect(judgeAddress('10.9.9.9', list)).toEqual({ allowed: true });
    expect(judgeAddress('127.0.0.2', list)).toEqual({ allowed: false, range: 'loopback' });
    expect(judgeAddress('169.254.169.254', list)).toEqual({ allowed: false, range: 'metadata' });
  });
});

describe('parseAddressRanges', () => {
  it('reports entries that are no address or range', () => {
    expect(parseAddressRanges(['127.0.0.1/33', 'localhost', '10.0.0.0/8/1', '::1/129', '1.2.3.4/x']).invalid).toEqual([
      '127.0.0.1/33',
      'localhost',
      '10.0.0.0/8/1',
      '::1/129',
      '1.2.3.4/x',
    ]);
  });
});

describe('embeddedIpv4', () => {
  it.each([
    ['::ffff:10.0.0.1', '10.0.0.1'],
    ['::FFFF:a00:1', '10.0.0.1'],
    ['64:ff9b::7f00:1', '127.0.0.1'],
    ['2002:c0a8:101::1', '192.168.1.1'],
    ['2606:4700::1111', undefined],
    ['10.0.0.1', undefined],
  ])('%s carries %s', (address, ipv4) => {
    expect(embeddedIpv4(address)).toBe(ipv4);
  });
});

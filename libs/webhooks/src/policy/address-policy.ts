import { BlockList, isIP } from 'node:net';

/** Why an address is no receiver: the range it falls in. */
export type RefusedRange =
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'shared'
  | 'link-local'
  | 'metadata'
  | 'unique-local'
  | 'multicast'
  | 'reserved'
  | 'documentation'
  | 'not-an-address';

export type AddressVerdict = { readonly allowed: true } | { readonly allowed: false; readonly range: RefusedRange };

/**
 * Ranges a webhook may never reach unless the allowlist names them: everything that is not the
 * public internet (RFC 6890's special-purpose registries), so a subscription cannot make Flowgate
 * call its own database, the cloud's metadata service or a neighbour on the private network.
 */
const IPV4_REFUSED: readonly (readonly [string, number, RefusedRange])[] = [
  ['169.254.169.254', 32, 'metadata'],
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'shared'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, 'reserved'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'reserved'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];

const IPV6_REFUSED: readonly (readonly [string, number, RefusedRange])[] = [
  ['fd00:ec2::254', 128, 'metadata'],
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  // IPv4-compatible (deprecated) and the discard prefix: nothing legitimate lives there.
  ['::', 96, 'reserved'],
  ['100::', 64, 'reserved'],
  ['2001:db8::', 32, 'documentation'],
  ['fc00::', 7, 'unique-local'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'reserved'],
  ['ff00::', 8, 'multicast'],
];

const refusedLists = new Map<RefusedRange, BlockList>();
for (const [network, prefix, range] of [...IPV4_REFUSED, ...IPV6_REFUSED]) {
  const list = refusedLists.get(range) ?? new BlockList();
  list.addSubnet(network, prefix, network.includes(':') ? 'ipv6' : 'ipv4');
  refusedLists.set(range, list);
}

/** Parsed allowlist entries (`127.0.0.1`, `10.0.0.0/8`, `::1/128`) and the ones that are neither. */
export function parseAddressRanges(entries: readonly string[]): {
  readonly list: BlockList;
  readonly invalid: string[];
} {
  const list = new BlockList();
  const invalid: string[] = [];
  for (const entry of entries) {
    const [network, prefixText, extra] = entry.split('/');
    const family = isIP(network);
    const max = family === 6 ? 128 : 32;
    const prefix = prefixText === undefined ? max : Number(prefixText);
    if (family === 0 || extra !== undefined || !/^\d{1,3}$/.test(String(prefix)) || prefix > max) {
      invalid.push(entry);
      continue;
    }
    list.addSubnet(network, prefix, family === 6 ? 'ipv6' : 'ipv4');
  }
  return { list, invalid };
}

/**
 * Whether a resolved address may receive webhooks. IPv4 hidden in IPv6 (mapped `::ffff:a.b.c.d`,
 * NAT64 `64:ff9b::/96`, 6to4 `2002::/16`) is judged as the IPv4 address it reaches, so
 * `::ffff:127.0.0.1` is loopback. An allowlisted address is allowed whatever its range.
 */
export function judgeAddress(address: string, allowed: BlockList): AddressVerdict {
  const family = isIP(address);
  if (family === 0) return { allowed: false, range: 'not-an-address' };
  const ipv4 = family === 4 ? address : embeddedIpv4(address);
  if (allowed.check(address, family === 6 ? 'ipv6' : 'ipv4') || (ipv4 && allowed.check(ipv4, 'ipv4'))) {
    return { allowed: true };
  }
  for (const [range, list] of refusedLists) {
    if (ipv4 ? list.check(ipv4, 'ipv4') : list.check(address, 'ipv6')) return { allowed: false, range };
  }
  return { allowed: true };
}

/** The IPv4 address an IPv6 address carries (mapped, NAT64, 6to4), or undefined. */
export function embeddedIpv4(address: string): string | undefined {
  const words = expandIpv6(address);
  if (!words) return undefined;
  const mapped = words.slice(0, 5).every((word) => word === 0) && words[5] === 0xffff;
  const nat64 = words[0] === 0x64 && words[1] === 0xff9b && words.slice(2, 6).every((word) => word === 0);
  if (mapped || nat64) return toIpv4(words[6], words[7]);
  if (words[0] === 0x2002) return toIpv4(words[1], words[2]);
  return undefined;
}

function toIpv4(high: number, low: number): string {
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}

/** Eight 16-bit words of an IPv6 address (dotted IPv4 tail and `::` included). */
function expandIpv6(address: string): number[] | undefined {
  if (isIP(address) !== 6) return undefined;
  let text = address.toLowerCase().split('%')[0];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1].split('.').map(Number);
    text = `${text.slice(0, -dotted[1].length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const parse = (part: string | undefined) => (part ? part.split(':').map((word) => parseInt(word, 16)) : []);
  const first = parse(head);
  const last = parse(tail);
  const zeros = tail === undefined ? [] : new Array<number>(8 - first.length - last.length).fill(0);
  return [...first, ...zeros, ...last];
}

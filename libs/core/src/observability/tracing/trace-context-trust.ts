import { BlockList, isIPv4 } from 'node:net';
import type { TraceContextTrust } from '../../config/tracing.config';

/**
 * Whether a request's `traceparent` may become the parent of our server span. A caller that sets
 * it chooses the trace id and, with the sampled flag, whether we record (the parent-based sampler
 * follows it): only callers we run or pay for (the gateway, the ingress) may. Judged on the direct
 * peer's address, never `X-Forwarded-For`: the header came from whoever opened the connection.
 */
export class TraceContextTrustPolicy {
  private readonly subnets: BlockList | undefined;

  constructor(private readonly trust: TraceContextTrust) {
    if (trust.mode !== 'subnets') return;
    this.subnets = new BlockList();
    for (const subnet of trust.subnets) this.subnets.addSubnet(subnet.address, subnet.prefix, subnet.family);
  }

  trusts(peerAddress: string | undefined): boolean {
    if (this.trust.mode !== 'subnets') return this.trust.mode === 'all';
    if (!peerAddress || !this.subnets) return false;
    // A dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d; the subnets are written as IPv4.
    const mapped = /^::ffff:(.+)$/i.exec(peerAddress)?.[1];
    if (mapped && isIPv4(mapped)) return this.subnets.check(mapped, 'ipv4') || this.subnets.check(peerAddress, 'ipv6');
    return this.subnets.check(peerAddress, isIPv4(peerAddress) ? 'ipv4' : 'ipv6');
  }
}

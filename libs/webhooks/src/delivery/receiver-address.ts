import { Injectable } from '@nestjs/common';
import { FlowgateConfig } from '@flowgate/core';
import type { BlockList } from 'node:net';
import { isIP } from 'node:net';
import { lookup } from 'node:dns/promises';
import { judgeAddress, parseAddressRanges } from '../policy/address-policy';

/** Where to connect for a receiver URL, once every address its host resolves to passed the policy. */
export interface CheckedReceiver {
  readonly url: URL;
  readonly address: string;
  readonly family: 4 | 6;
}

/** Why a URL is no receiver, in words an admin can act on. */
export class ReceiverRefused extends Error {}

/**
 * The SSRF rule (docs/webhooks.md, "Receivers Flowgate may call"): a receiver URL is http(s), https
 * when required, and its host resolves only to public addresses (or allowlisted ones). Checked when
 * a subscription is written, for a clear 422, and again before every attempt, since DNS answers
 * change; the sender then connects to the address checked here, never resolving again, so a DNS
 * answer that changes between check and connect (rebinding) cannot reach an internal address.
 */
@Injectable()
export class ReceiverAddress {
  private readonly allowed: BlockList;
  private readonly requireHttps: boolean;

  constructor(config: FlowgateConfig) {
    this.allowed = parseAddressRanges(config.webhooks.allowedTargets).list;
    this.requireHttps = config.webhooks.requireHttps;
  }

  /** The URL's form alone (no DNS): scheme, no credentials, a host. */
  checkForm(text: string): URL {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw new ReceiverRefused('The URL is not an absolute URL.');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ReceiverRefused('The URL must use https.');
    if (this.requireHttps && url.protocol !== 'https:') throw new ReceiverRefused('The URL must use https.');
    if (url.username || url.password) throw new ReceiverRefused('The URL must not carry credentials.');
    return url;
  }

  /** Resolves the host and judges every address; throws `ReceiverRefused` naming the first refused one. */
  async check(text: string): Promise<CheckedReceiver> {
    const url = this.checkForm(text);
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const addresses = isIP(host)
      ? [{ address: host, family: isIP(host) }]
      : await lookup(host, { all: true, verbatim: true }).catch(() => {
          throw new ReceiverRefused(`The host ${host} does not resolve.`);
        });
    if (addresses.length === 0) throw new ReceiverRefused(`The host ${host} does not resolve.`);
    // All of them, not the first: a host with one public and one internal address is refused, or a
    // retry (or the happy-eyeballs fallback) could pick the internal one.
    for (const { address } of addresses) {
      const verdict = judgeAddress(address, this.allowed);
      if (!verdict.allowed) {
        throw new ReceiverRefused(`The host ${host} resolves to ${address}, a ${verdict.range} address.`);
      }
    }
    const [first] = addresses;
    return { url, address: first.address, family: first.family === 6 ? 6 : 4 };
  }
}

import { Injectable } from '@nestjs/common';
import {
  ConfidentialClientApplication,
  DistributedCachePlugin,
  type ICacheClient,
  type IPartitionManager,
  LogLevel,
  ProtocolMode,
} from '@azure/msal-node';
import { Cache, FlowgateConfig } from '@flowgate/core';
import { createHash } from 'node:crypto';
import { DevSignIn } from '../dev-identity-provider/dev-sign-in';
import { DevIdpNetwork } from './dev-idp-network';
import { AuthorityMetadata } from './authority-metadata';

/**
 * Builds MSAL clients. One `ConfidentialClientApplication` per use, bound to one partition of
 * the token cache: MSAL keeps a single in-memory cache per application object, which its
 * distributed cache plugin fills from Redis before each access and writes back after; shared
 * between concurrent requests of different people, one person's tokens would be written into
 * another's partition. Authority metadata is fetched once (`AuthorityMetadata`), so building a
 * client costs no network.
 */
@Injectable()
export class MsalClients {
  constructor(
    private readonly config: FlowgateConfig,
    private readonly cache: Cache,
    private readonly metadata: AuthorityMetadata,
    private readonly devSignIn: DevSignIn,
  ) {}

  /**
   * A client for the session whose tokens live in `partition` (undefined while signing in, when
   * MSAL names the partition from the account it receives: `partitionKey(account, salt)`).
   */
  async client(origin: string, salt: string, partition?: string): Promise<ConfidentialClientApplication> {
    const browser = this.config.auth.browser;
    const metadata = await this.metadata.forOrigin(origin);
    return new ConfidentialClientApplication({
      auth: {
        clientId: browser.clientId,
        clientSecret: browser.clientSecret,
        authority: browser.authority,
        knownAuthorities: [new URL(browser.authority).host],
        authorityMetadata: JSON.stringify(metadata),
      },
      cache: { cachePlugin: new DistributedCachePlugin(this.cacheClient(), partitionManager(salt, partition)) },
      system: {
        protocolMode: browser.protocol === 'oidc' ? ProtocolMode.OIDC : ProtocolMode.AAD,
        loggerOptions: { logLevel: LogLevel.Error, piiLoggingEnabled: false, loggerCallback: () => undefined },
        ...(browser.devIdentityProvider
          ? { networkClient: new DevIdpNetwork(this.devSignIn, String(metadata.token_endpoint)) }
          : {}),
      },
    });
  }

  async endSessionEndpoint(origin: string): Promise<string | undefined> {
    const endpoint = (await this.metadata.forOrigin(origin)).end_session_endpoint;
    return typeof endpoint === 'string' ? endpoint : undefined;
  }

  /** MSAL's cache plugin stores strings; the partitions expire with the longest a session lives. */
  private cacheClient(): ICacheClient {
    const ttlMs = this.config.auth.browser.absoluteTimeoutSeconds * 1000;
    return {
      get: async (key) => (key === NO_PARTITION ? '' : ((await this.cache.get<string>(key)) ?? '')),
      set: async (key, value) => {
        await this.cache.set(key, value, ttlMs);
        return 'OK';
      },
    };
  }
}

/** Before sign-in there is nothing to read. */
const NO_PARTITION = 'msal:none';

/** The cache partition of one account in one sign-in (the salt is random per sign-in). */
export function partitionKey(homeAccountId: string, salt: string): string {
  return `msal:${createHash('sha256').update(`${homeAccountId}\n${salt}`).digest('base64url')}`;
}

function partitionManager(salt: string, partition: string | undefined): IPartitionManager {
  return {
    getKey: async () => partition ?? NO_PARTITION,
    extractKey: async (account) => partition ?? partitionKey(account.homeAccountId, salt),
  };
}

import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import type { DevSignIn } from '../dev-identity-provider/dev-sign-in';

/**
 * MSAL's HTTP client when it signs people in with the development identity provider. MSAL accepts
 * https authorities only and the development issuer is plain http on loopback, so MSAL is given a
 * placeholder https authority, its metadata, and this module, which answers its token requests
 * in-process. Any other request is a programming error: nothing leaves the process.
 */
export class DevIdpNetwork implements INetworkModule {
  constructor(
    private readonly signIn: DevSignIn,
    private readonly tokenEndpoint: string,
  ) {}

  sendGetRequestAsync<T>(url: string): Promise<NetworkResponse<T>> {
    return Promise.reject(new Error(`The development sign-in makes no GET requests (asked for ${url})`));
  }

  async sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    if (url.split('?')[0] !== this.tokenEndpoint) throw new Error(`Unexpected MSAL request to ${url}`);
    const answer = await this.signIn.redeem(new URLSearchParams(options?.body ?? ''));
    return { headers: {}, body: answer.body as T, status: answer.status };
  }
}

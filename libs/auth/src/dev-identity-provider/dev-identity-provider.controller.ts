import { Body, Controller, Get, Header, HttpCode, Post, Query, Redirect, VERSION_NEUTRAL } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { AppError, SensitiveRateLimit } from '@flowgate/core';
import { Public } from '../decorators/public.decorator';
import { DevAuthorizationRequestDto, DevSignInAnswerDto } from './dev-authorization-request';
import { DevIdentityProvider } from './dev-identity-provider';
import { devLoginPage } from './dev-login-page';
import { DevSignIn } from './dev-sign-in';
import { DevEndSessionDto, DevTokenRequestDto } from './dev-token-request.dto';

/**
 * The development issuer's endpoints. Mounted only when AUTH_DEV_IDENTITY_PROVIDER is on (never
 * in production), and kept out of the OpenAPI contract, which describes production. The code
 * grant's token endpoint is reached by MSAL in-process (`DevIdpNetworkModule`): MSAL talks to
 * https authorities only, and this issuer is plain http on loopback.
 */
@ApiExcludeController()
@Public()
@Controller({ path: 'dev-idp', version: VERSION_NEUTRAL })
export class DevIdentityProviderController {
  constructor(
    private readonly provider: DevIdentityProvider,
    private readonly signIn: DevSignIn,
  ) {}

  @Get('.well-known/openid-configuration')
  discovery(): Record<string, unknown> {
    return this.provider.discovery();
  }

  @Get('jwks')
  jwks(): Promise<{ keys: object[] }> {
    return this.provider.jwks();
  }

  @Post('token')
  @HttpCode(200)
  @SensitiveRateLimit()
  async token(@Body() request: DevTokenRequestDto): Promise<{ access_token: string; token_type: 'Bearer' }> {
    return { access_token: await this.provider.mint(request), token_type: 'Bearer' };
  }

  /** The sign-in page for an authorization request (code + PKCE). */
  @Get('authorize')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @SensitiveRateLimit()
  async authorize(@Query() query: DevAuthorizationRequestDto): Promise<string> {
    const { id, pending } = await this.signIn.begin(query);
    return devLoginPage(id, pending);
  }

  /** The page's form: issue a code and send the browser back to the client. */
  @Get('authorize/approve')
  @Redirect()
  @SensitiveRateLimit()
  async approve(@Query() answer: DevSignInAnswerDto): Promise<{ url: string; statusCode: number }> {
    return { url: await this.signIn.approve(answer), statusCode: 302 };
  }

  /** End session: this issuer keeps no session of its own, so it only sends the browser back. */
  @Get('logout')
  @Redirect()
  endSession(@Query() query: DevEndSessionDto): { url: string; statusCode: number } {
    const target = query.post_logout_redirect_uri;
    if (!this.signIn.isAllowedPostLogoutRedirect(target)) {
      throw new AppError('sign_in_failed', 'post_logout_redirect_uri is not a registered address.');
    }
    return { url: target, statusCode: 302 };
  }
}

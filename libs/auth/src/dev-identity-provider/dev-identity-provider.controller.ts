import { Body, Controller, Get, HttpCode, Post, VERSION_NEUTRAL } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { SensitiveRateLimit } from '@flowgate/core';
import { Public } from '../decorators/public.decorator';
import { DevIdentityProvider } from './dev-identity-provider';
import { DevTokenRequestDto } from './dev-token-request.dto';

/**
 * The development issuer's endpoints. Mounted only when AUTH_DEV_IDENTITY_PROVIDER is on (never
 * in production), and kept out of the OpenAPI contract, which describes production.
 */
@ApiExcludeController()
@Public()
@Controller({ path: 'dev-idp', version: VERSION_NEUTRAL })
export class DevIdentityProviderController {
  constructor(private readonly provider: DevIdentityProvider) {}

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
}

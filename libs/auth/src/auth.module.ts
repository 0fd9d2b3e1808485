import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import type { FlowgateConfig } from '@flowgate/core';
import { DevIdentityProvider } from './dev-identity-provider/dev-identity-provider';
import { DevIdentityProviderController } from './dev-identity-provider/dev-identity-provider.controller';
import { AuthenticationGuard } from './guards/authentication.guard';
import { AuthorizationGuard } from './guards/authorization.guard';
import { BearerJwtStrategy } from './guards/bearer-jwt.strategy';
import { RoleMapping } from './principal/role-mapping';
import { IssuerRegistry } from './verification/issuer-registry';
import { TokenVerifier } from './verification/token-verifier';

/**
 * Token verification and the global guards. Guards run in provider order: authentication, then
 * authorization (roles, step-up, suspension); throttling by principal comes after them.
 */
@Global()
@Module({})
export class AuthModule {
  static register(config: FlowgateConfig): DynamicModule {
    return {
      module: AuthModule,
      imports: [PassportModule],
      controllers: config.auth.devIdentityProvider.enabled ? [DevIdentityProviderController] : [],
      providers: [
        DevIdentityProvider,
        IssuerRegistry,
        TokenVerifier,
        RoleMapping,
        BearerJwtStrategy,
        { provide: APP_GUARD, useClass: AuthenticationGuard },
        { provide: APP_GUARD, useClass: AuthorizationGuard },
      ],
      exports: [DevIdentityProvider, TokenVerifier, IssuerRegistry],
    };
  }
}

import { DynamicModule, Module, Type } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { type FlowgateConfig, MetricsModule, RedisModule } from '@flowgate/core';
import { AuthorityMetadata } from './browser/authority-metadata';
import { BrowserAuthController } from './browser/browser-auth.controller';
import { BrowserSessionView } from './browser/browser-session-view';
import { BrowserSessions } from './browser/browser-sessions';
import { BrowserSessionsController } from './browser/browser-sessions.controller';
import { BrowserSignIn } from './browser/browser-sign-in.service';
import { IdTokenVerifier } from './browser/id-token-verifier';
import { MsalClients } from './browser/msal-clients';
import { SessionAuthenticator } from './browser/session-authenticator';
import { SignInAttempts } from './browser/sign-in-attempts';
import { DevIdentityProvider } from './dev-identity-provider/dev-identity-provider';
import { DevIdentityProviderController } from './dev-identity-provider/dev-identity-provider.controller';
import { DevSignIn } from './dev-identity-provider/dev-sign-in';
import { AuthenticationGuard } from './guards/authentication.guard';
import { AuthorizationGuard } from './guards/authorization.guard';
import { BearerJwtStrategy } from './guards/bearer-jwt.strategy';
import { PrincipalResolver } from './principal/principal-resolver';
import { RoleMapping } from './principal/role-mapping';
import { IssuerRegistry } from './verification/issuer-registry';
import { TokenVerifier } from './verification/token-verifier';

/**
 * The modules that implement what authentication needs but does not own. Auth declares the ports
 * (abstract classes); the users, audit and traffic libraries implement them and depend on auth,
 * never the reverse. The composition root picks the implementations by passing their modules here,
 * each of which must export its port.
 */
export interface AuthBindings {
  /** Exports `PrincipalDirectory`: resolves a verified token's identity to a user. */
  readonly principalDirectory: Type<unknown> | DynamicModule;
  /** Exports `AccessDenials`: records refused requests. */
  readonly accessDenials: Type<unknown> | DynamicModule;
  /** Exports `FailedAuthentications`: budgets failed attempts per client. */
  readonly failedAuthentications: Type<unknown> | DynamicModule;
}

/**
 * Token verification and the authentication and authorization guards. The guards are exported,
 * not registered as global guards here: the app module's one list of global guards runs them, in
 * order (authentication, then authorization: suspension, roles, step-up). Imported once, by the
 * app module.
 */
@Module({})
export class AuthModule {
  static register(config: FlowgateConfig, bindings: AuthBindings): DynamicModule {
    return {
      module: AuthModule,
      imports: [
        PassportModule,
        MetricsModule,
        RedisModule,
        bindings.principalDirectory,
        bindings.accessDenials,
        bindings.failedAuthentications,
      ],
      controllers: [
        ...(config.auth.devIdentityProvider.enabled ? [DevIdentityProviderController] : []),
        ...(config.auth.browser.enabled ? [BrowserAuthController, BrowserSessionsController] : []),
      ],
      providers: [
        DevIdentityProvider,
        DevSignIn,
        IssuerRegistry,
        TokenVerifier,
        RoleMapping,
        PrincipalResolver,
        BearerJwtStrategy,
        AuthenticationGuard,
        AuthorizationGuard,
        // Browser sign-in (sessions are read by the authentication guard even when sign-in is off: no cookie, no session).
        AuthorityMetadata,
        MsalClients,
        SignInAttempts,
        IdTokenVerifier,
        BrowserSessions,
        BrowserSessionView,
        BrowserSignIn,
        SessionAuthenticator,
      ],
      exports: [DevIdentityProvider, TokenVerifier, IssuerRegistry, AuthenticationGuard, AuthorizationGuard],
    };
  }
}

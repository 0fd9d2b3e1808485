import { Controller, Get, HttpCode, Post, Query, Redirect, Req, Res, VERSION_NEUTRAL } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { FlowgateConfig, HttpReply, SensitiveRateLimit } from '@flowgate/core';
import { Authenticated } from '../decorators/authenticated.decorator';
import { CurrentPrincipal } from '../decorators/current-principal.decorator';
import { Public } from '../decorators/public.decorator';
import type { Principal } from '../principal/principal';
import { SessionDto, SignInCallbackDto, SignInQueryDto, SignOutDto } from './browser-auth.dto';
import { BrowserSessionView } from './browser-session-view';
import { BrowserRedirect, BrowserSignIn } from './browser-sign-in.service';
import { setCookie } from './cookies';
import type { SessionRequest } from './session-authenticator';

type RedirectTo = { url: string; statusCode: number };

/**
 * Browser sign-in for Flowgate's pages and internal web apps (backend-for-frontend). `login` and
 * `callback` are navigations a browser makes (answered with redirects), not calls an API client
 * makes, so they stay out of the OpenAPI document and the SDK; docs/auth.md describes them.
 */
@ApiTags('Browser sign-in')
@Controller({ path: 'auth', version: VERSION_NEUTRAL })
export class BrowserAuthController {
  constructor(
    private readonly signIn: BrowserSignIn,
    private readonly view: BrowserSessionView,
    private readonly config: FlowgateConfig,
  ) {}

  @Get('login')
  @Public()
  @SensitiveRateLimit()
  @Redirect()
  @ApiExcludeEndpoint()
  async login(
    @Req() req: SessionRequest,
    @Res({ passthrough: true }) res: HttpReply,
    @Query() query: SignInQueryDto,
  ): Promise<RedirectTo> {
    return this.send(res, await this.signIn.start(req, query.returnTo, query.stepUp));
  }

  @Get('callback')
  @Public()
  @SensitiveRateLimit()
  @Redirect()
  @ApiExcludeEndpoint()
  async callback(
    @Req() req: SessionRequest,
    @Res({ passthrough: true }) res: HttpReply,
    @Query() query: SignInCallbackDto,
  ): Promise<RedirectTo> {
    return this.send(res, await this.signIn.finish(req, query));
  }

  @Post('logout')
  @HttpCode(200)
  @Authenticated()
  @ApiOperation({
    summary: 'Sign out (browser)',
    description: "Ends this browser session and returns the identity provider's end-session address.",
  })
  @ApiOkResponse({ type: SignOutDto, description: 'Signed out; the cookie is removed.' })
  async logout(@Req() req: SessionRequest, @Res({ passthrough: true }) res: HttpReply): Promise<SignOutDto> {
    const { name, secure } = this.config.auth.browser.cookie;
    res.header('Set-Cookie', setCookie(name, '', { secure, maxAgeSeconds: 0 }));
    return this.signIn.signOut(req);
  }

  @Get('session')
  @Authenticated()
  @ApiOperation({
    summary: 'The signed-in session',
    description: 'Who is signed in, their roles, the step-up state and when the session ends.',
  })
  @ApiOkResponse({ type: SessionDto, description: 'The caller and their session.' })
  session(@CurrentPrincipal() principal: Principal, @Req() req: SessionRequest): SessionDto {
    return this.view.describe(principal, req.browserSession);
  }

  private send(res: HttpReply, redirect: BrowserRedirect): RedirectTo {
    const { secure } = this.config.auth.browser.cookie;
    res.header(
      'Set-Cookie',
      redirect.cookies.map((cookie) =>
        setCookie(cookie.name, cookie.value, { secure, maxAgeSeconds: cookie.maxAgeSeconds }),
      ),
    );
    return { url: redirect.location, statusCode: 302 };
  }
}

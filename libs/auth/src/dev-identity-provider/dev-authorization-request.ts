import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

/**
 * The query of `GET /dev-idp/authorize`: what MSAL (or any OIDC client) sends. Every parameter is
 * named so that the request-shape guard knows them; the sign-in rules are checked by `DevSignIn`.
 */
export class DevAuthorizationRequestDto {
  @IsIn(['code'])
  response_type!: string;

  @IsString()
  @MaxLength(200)
  client_id!: string;

  @IsString()
  @MaxLength(2000)
  redirect_uri!: string;

  @IsString()
  @MaxLength(2000)
  scope!: string;

  @IsString()
  @MaxLength(2000)
  state!: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  nonce?: string;

  /** PKCE is required: a leaked code is useless without the verifier. */
  @Matches(/^[A-Za-z0-9_-]{43,128}$/)
  code_challenge!: string;

  @IsIn(['S256'])
  code_challenge_method!: string;

  @IsOptional()
  @IsIn(['query'])
  response_mode?: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  prompt?: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  acr_values?: string;

  @IsOptional()
  @IsString()
  @MaxLength(4000)
  claims?: string;

  @IsOptional()
  @IsString()
  @MaxLength(20)
  max_age?: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  login_hint?: string;

  @IsOptional()
  @IsString()
  @MaxLength(10)
  client_info?: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  'client-request-id'?: string;

  @IsOptional()
  @IsString()
  @MaxLength(10)
  clidata?: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  'x-client-SKU'?: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  'x-client-VER'?: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  'x-client-OS'?: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  'x-client-CPU'?: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  'x-app-name'?: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  'x-app-ver'?: string;
}

/** The login page's answer (`GET /dev-idp/authorize/approve`): a form, so a GET with no script. */
export class DevSignInAnswerDto {
  @Matches(/^[A-Za-z0-9_-]{20,64}$/)
  request!: string;

  @Matches(/^[a-z0-9][a-z0-9._-]{0,63}$/i)
  user!: string;

  /** One role, or several (the form's checkboxes repeat the name). */
  @IsOptional()
  @IsIn(['viewer', 'requester', 'approver', 'admin', 'auditor'], { each: true })
  roles?: string | string[];

  @IsOptional()
  @IsIn(['on'])
  mfa?: string;
}

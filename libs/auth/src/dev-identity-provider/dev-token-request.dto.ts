import { IsArray, IsBoolean, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

export class DevTokenRequestDto {
  /** Development user name; the same name is always the same user. @example "alice" */
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9._-]{0,63}$/i)
  user!: string;

  /** Roles to put in the token's `roles` claim. @example ["approver"] */
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  roles?: string[];

  /** Include the step-up authentication context and a fresh `auth_time`. */
  @IsOptional()
  @IsBoolean()
  stepUp?: boolean;

  /** Mark the client as able to handle Entra claims challenges (`xms_cc: ["cp1"]`). */
  @IsOptional()
  @IsBoolean()
  claimsChallengeCapable?: boolean;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(86_400)
  expiresInSeconds?: number;
}

export class DevEndSessionDto {
  @IsString()
  @MaxLength(2000)
  post_logout_redirect_uri!: string;

  @IsOptional()
  @IsString()
  @MaxLength(16_384)
  id_token_hint?: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  'client-request-id'?: string;
}

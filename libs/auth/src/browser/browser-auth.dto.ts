import { ApiProperty } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { ROLES, type Role } from '@flowgate/roles';

export class SignInQueryDto {
  /** Where to land after signing in: a Flowgate path (default `/app`) or an allowed app address. @example "/app" */
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  returnTo?: string;

  /** Sign in again with multi-factor authentication for this authentication context (from a `step_up_required` problem). @example "c1" */
  @IsOptional()
  @IsString()
  @MaxLength(100)
  stepUp?: string;
}

/** What the identity provider sends back (OAuth 2.0 authorization response). */
export class SignInCallbackDto {
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  code?: string;

  @IsOptional()
  @IsString()
  @MaxLength(2000)
  state?: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  error?: string;

  @IsOptional()
  @IsString()
  @MaxLength(2000)
  error_description?: string;

  @IsOptional()
  @IsString()
  @MaxLength(2000)
  error_uri?: string;

  @IsOptional()
  @IsString()
  @MaxLength(2000)
  session_state?: string;

  @IsOptional()
  @IsString()
  @MaxLength(4000)
  client_info?: string;
}

export class SignOutDto {
  /** The identity provider's end-session address, to sign out there too (absent when it has none). */
  endSessionUrl?: string;
}

export class SessionUserDto {
  @ApiProperty({ format: 'uuid', example: '0b8f7c1e-2f6a-4f61-9d0e-7f3c2a1b9e55' })
  id!: string;
  displayName?: string;
  email?: string;
}

export class SessionStepUpDto {
  satisfied!: boolean;
  /** When this session last met the step-up policy. */
  @ApiProperty({ format: 'date-time', required: false })
  at?: string;
}

export class SessionTimesDto {
  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
  /** When the session ends unless used again (idle timeout), never after its absolute end. */
  @ApiProperty({ format: 'date-time' })
  expiresAt!: string;
  @ApiProperty({ format: 'date-time' })
  absoluteExpiresAt!: string;
  /** Send it in `X-CSRF-Token` on this session's writes. */
  csrfToken!: string;
}

export class SessionDto {
  user!: SessionUserDto;
  /** Roles held directly (token and grants), before the hierarchy. */
  @ApiProperty({ enum: ROLES, isArray: true })
  roles!: Role[];
  stepUp!: SessionStepUpDto;
  /** The browser session, when the caller authenticated with one (absent for bearer tokens). */
  session?: SessionTimesDto;
}

export class SessionSummaryDto {
  /** An opaque handle (the SHA-256 of the cookie value, never the cookie itself). */
  handle!: string;
  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
  @ApiProperty({ format: 'date-time' })
  lastSeenAt!: string;
  @ApiProperty({ format: 'date-time' })
  expiresAt!: string;
  @ApiProperty({ format: 'date-time', required: false })
  steppedUpAt?: string;
}

export class SessionListDto {
  value!: SessionSummaryDto[];
}

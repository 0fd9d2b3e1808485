import { Injectable } from '@nestjs/common';
import { FailedAuthentications } from '@flowgate/auth';
import type { AppError, HttpRequest } from '@flowgate/core';
import { RateLimiter } from './rate-limiter';

/**
 * Failed authentications (no token, a bad one, a revoked session, one that cannot be verified
 * because its issuer's keys are unavailable) count against the client IP's
 * `anonymous` budget, the one public routes draw on: unauthenticated traffic has one budget per
 * client however it arrives. Over it, the client gets 429 instead of 401. Valid tokens are never
 * counted here, so people sharing an office IP with a misbehaving client are not locked out.
 */
@Injectable()
export class FailedAuthenticationLimiter extends FailedAuthentications {
  constructor(private readonly limiter: RateLimiter) {
    super();
  }

  async record(req: HttpRequest): Promise<AppError | undefined> {
    const counted = await this.limiter.count('anonymous', { ip: req.ip });
    return counted.exceededForSeconds === undefined ? undefined : this.limiter.refusal(counted, [counted.state]);
  }
}

export class RevokedSessionsDto {
  userId!: string;
  /** Tokens issued before this instant are rejected from now on, on every instance. */
  sessionsRevokedBefore!: string;
}

/** What a development token says about its holder. */
export interface DevTokenRequest {
  readonly user: string;
  readonly roles?: readonly string[];
  /** Carry the step-up authentication context (`acrs`) and a fresh `auth_time`. */
  readonly stepUp?: boolean;
  /** Seconds until expiry (default one hour). */
  readonly expiresInSeconds?: number;
  /** Claims a client that handles Entra claims challenges sends (`xms_cc: ["cp1"]`). */
  readonly claimsChallengeCapable?: boolean;
}

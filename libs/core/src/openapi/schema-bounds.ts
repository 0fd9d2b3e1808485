/** The largest PostgreSQL `integer`: versions and sequence numbers stored as one never exceed it. */
export const POSTGRES_INTEGER_MAX = 2_147_483_647;

/** Schema fragments the DTOs repeat, so every id, instant and counter is described alike. */
export const API_SCHEMA = {
  uuid: { type: 'string', format: 'uuid' },
  dateTime: { type: 'string', format: 'date-time' },
  /** A version or position that starts at 1 and is stored as a PostgreSQL `integer`. */
  counter: { type: 'integer', minimum: 1, maximum: POSTGRES_INTEGER_MAX },
} as const;

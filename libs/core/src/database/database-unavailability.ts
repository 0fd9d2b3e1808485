/** Socket-level failures: the server is down, restarting, or unreachable. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * SQLSTATEs of a server that cannot serve now: class 08 (connection exception), 57P01–57P03
 * (admin shutdown, crash shutdown, cannot connect now: starting up or in recovery) and 53300
 * (too many connections).
 */
const UNAVAILABLE_SQLSTATE = /^(08[0-9A-Z]{3}|57P0[123]|53300)$/;

/** node-postgres's words for a connection that died or never came (pool acquire timeout included). */
const DRIVER_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
  'Connection ended unexpectedly',
];

/**
 * TypeORM releases a transaction's query runner when its connection reports an error, so the
 * transaction's next statement fails with one of these instead of the connection's own error
 * (the first from the entity manager, the second from the runner itself, as its commit).
 */
const RELEASED_BY_CONNECTION_ERROR = new Set([
  'QueryRunnerProviderAlreadyReleasedError',
  'QueryRunnerAlreadyReleasedError',
]);

/**
 * Whether `error` says PostgreSQL is unreachable or cannot serve, as opposed to a failing
 * statement: the driver's own error, or one TypeORM wrapped (`driverError`) or chained (`cause`),
 * or an `AggregateError` of connection attempts (one per address of a host name).
 */
export function isDatabaseUnavailability(error: unknown, depth = 0): boolean {
  // Duck-typed, not `instanceof Error`: socket errors are made by Node's core, which need not
  // share the realm of the code asking (jest runs code in a VM context of its own).
  if (typeof error !== 'object' || error === null || depth > 4) return false;
  const { name, code, message, driverError, cause, errors } = error as {
    name?: unknown;
    code?: unknown;
    message?: unknown;
    driverError?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  if (typeof name === 'string' && RELEASED_BY_CONNECTION_ERROR.has(name)) return true;
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code))) return true;
  if (typeof message === 'string' && DRIVER_MESSAGES.some((text) => message.includes(text))) return true;
  if (Array.isArray(errors) && errors.some((inner) => isDatabaseUnavailability(inner, depth + 1))) return true;
  return isDatabaseUnavailability(driverError, depth + 1) || isDatabaseUnavailability(cause, depth + 1);
}

import { isDatabaseUnavailability } from './database-unavailability';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('isDatabaseUnavailability', () => {
  it.each([
    ['a refused connection', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['a reset connection', withCode('read ECONNRESET', 'ECONNRESET')],
    ['an unknown host', withCode('getaddrinfo ENOTFOUND db', 'ENOTFOUND')],
    ['a connection that died', new Error('Connection terminated unexpectedly')],
    ['a connect timeout', new Error('Connection terminated due to connection timeout')],
    ['the pool acquire timeout', new Error('timeout exceeded when trying to connect')],
    ['a client whose connection failed', new Error('Client has encountered a connection error and is not queryable')],
    ['admin shutdown (57P01)', withCode('terminating connection due to administrator command', '57P01')],
    ['crash shutdown (57P02)', withCode('terminating connection because of crash of another server process', '57P02')],
    ['a server starting up (57P03)', withCode('the database system is starting up', '57P03')],
    ['a connection exception (08006)', withCode('connection failure', '08006')],
    ['too many connections (53300)', withCode('sorry, too many clients already', '53300')],
    [
      'a query runner released by its connection’s error',
      Object.assign(new Error('Database connection provided by a query runner was already released'), {
        name: 'QueryRunnerProviderAlreadyReleasedError',
      }),
    ],
    [
      'a query runner released by its connection’s error, asked to commit',
      Object.assign(new Error('Query runner already released. Cannot run queries anymore.'), {
        name: 'QueryRunnerAlreadyReleasedError',
      }),
    ],
    [
      'TypeORM’s wrapper around a driver error',
      Object.assign(new Error('Query failed'), { driverError: new Error('Connection terminated unexpectedly') }),
    ],
    ['a chained cause', new Error('could not start the transaction', { cause: withCode('refused', 'ECONNREFUSED') })],
    [
      'every address of a host name refused',
      new AggregateError([withCode('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED')], 'all attempts failed'),
    ],
    ['a plain object from another realm', { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }],
  ])('recognises %s', (_case, error) => {
    expect(isDatabaseUnavailability(error)).toBe(true);
  });

  it.each([
    ['a unique violation (23505)', withCode('duplicate key value violates unique constraint', '23505')],
    ['a serialization failure (40001)', withCode('could not serialize access', '40001')],
    ['a statement timeout (57014)', withCode('canceling statement due to statement timeout', '57014')],
    ['a syntax error (42601)', withCode('syntax error at or near', '42601')],
    ['a programming error', new TypeError('Cannot read properties of undefined')],
    ['not an error', 'ECONNREFUSED'],
    ['nothing', undefined],
  ])('leaves %s alone (a 500, or its own mapping)', (_case, error) => {
    expect(isDatabaseUnavailability(error)).toBe(false);
  });
});

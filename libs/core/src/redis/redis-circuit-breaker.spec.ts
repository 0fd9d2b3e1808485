import { BreakerState, isRedisUnavailability, RedisCircuitBreaker } from './redis-circuit-breaker';
import { RedisUnavailable } from './redis-unavailable';

describe('RedisCircuitBreaker', () => {
  let changes: BreakerState[];
  let redisAnswers: boolean;
  let probes: number;
  let breaker: RedisCircuitBreaker;

  beforeEach(() => {
    jest.useFakeTimers();
    changes = [];
    redisAnswers = true;
    probes = 0;
    breaker = new RedisCircuitBreaker(
      {
        probe: async () => {
          probes += 1;
          if (!redisAnswers) throw new Error('connect ECONNREFUSED');
        },
        probeIntervalMs: 1_000,
        onChange: (state) => changes.push(state),
      },
      'closed',
    );
  });

  afterEach(() => {
    breaker.stop();
    jest.useRealTimers();
  });

  /** Lets the probe's promise callbacks run. */
  const settle = async () => {
    for (let i = 0; i < 5; i += 1) await Promise.resolve();
  };
  const timeout = () => new Error('Command timed out');

  it('passes calls and their results through while closed, bad commands included', async () => {
    await expect(breaker.run(async () => 'OK')).resolves.toBe('OK');
    await expect(
      breaker.run(async () => {
        throw new Error('ERR wrong number of arguments');
      }),
    ).rejects.toThrow('ERR wrong number');
    expect(breaker.state).toBe('closed');
    expect(changes).toEqual([]);
  });

  it('opens on a call that finds Redis away, and then fails every call at once without calling Redis', async () => {
    const tripped = breaker.run(() => Promise.reject(timeout()));
    await expect(tripped).rejects.toBeInstanceOf(RedisUnavailable);
    expect(breaker.state).toBe('open');
    expect(changes).toEqual(['open']);

    const call = jest.fn(async () => 'never');
    await expect(breaker.run(call)).rejects.toBeInstanceOf(RedisUnavailable);
    expect(call).not.toHaveBeenCalled();
  });

  it('abandons the calls still waiting when it opens, rather than letting them wait for their timeout', async () => {
    const waiting = breaker.run(() => new Promise<string>(() => undefined));
    breaker.open(new Error('connection lost'));
    await expect(waiting).rejects.toBeInstanceOf(RedisUnavailable);
    expect(changes).toEqual(['open']);
  });

  it('reports each change of state once, however many calls fail', async () => {
    await Promise.allSettled(Array.from({ length: 10 }, () => breaker.run(() => Promise.reject(timeout()))));
    breaker.open(new Error('connection lost'));
    expect(changes).toEqual(['open']);
  });

  it('probes in the background while open and closes when Redis answers again', async () => {
    redisAnswers = false;
    breaker.open(new Error('connection lost'));
    for (let second = 0; second < 3; second += 1) {
      jest.advanceTimersByTime(1_000);
      await settle();
    }
    expect(probes).toBe(3);
    expect(breaker.state).toBe('open');

    redisAnswers = true;
    jest.advanceTimersByTime(1_000);
    await settle();
    expect(breaker.state).toBe('closed');
    expect(changes).toEqual(['open', 'closed']);
    await expect(breaker.run(async () => 'OK')).resolves.toBe('OK');

    jest.advanceTimersByTime(5_000);
    expect(probes).toBe(4); // no probing while closed
  });

  it('probes at once when told the client reconnected', async () => {
    breaker.open(new Error('connection lost'));
    breaker.probeNow();
    await settle();
    expect(breaker.state).toBe('closed');
  });

  it('changes nothing once stopped (shutdown closes the connection on purpose)', () => {
    breaker.stop();
    breaker.open(new Error('connection closed by quit'));
    expect(changes).toEqual([]);
  });

  it.each([
    ['a command timeout', true, new Error('Command timed out')],
    ['the offline queue refusing', true, new Error("Stream isn't writeable and enableOfflineQueue options is false")],
    ['a closed connection', true, new Error('Connection is closed.')],
    ['a refused connection', true, Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })],
    ['a reset connection', true, Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })],
    ['Redis loading its data set', true, new Error('LOADING Redis is loading the dataset in memory')],
    ['Redis busy in a script', true, new Error('BUSY Redis is busy running a script')],
    ['a breaker refusal', true, new RedisUnavailable('circuit open')],
    ['a wrong type', false, new Error('WRONGTYPE Operation against a key holding the wrong kind of value')],
    ['a script error', false, new Error('ERR Error running script')],
    ['out of memory', false, new Error("OOM command not allowed when used memory > 'maxmemory'")],
    ['not an error', false, 'timeout'],
  ])('classifies %s as Redis being away: %s', (_case, expected, error) => {
    expect(isRedisUnavailability(error)).toBe(expected);
  });
});

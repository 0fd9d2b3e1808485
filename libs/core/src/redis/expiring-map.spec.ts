import { ExpiringMap } from './expiring-map';

describe('ExpiringMap', () => {
  let now: number;
  let map: ExpiringMap<string>;

  beforeEach(() => {
    now = 1_000;
    map = new ExpiringMap<string>(() => now);
  });

  it('returns a value until its TTL passes', () => {
    map.set('k', 'v', 100);
    now += 99;
    expect(map.get('k')).toBe('v');
    expect(map.ttl('k')).toBe(1);
    now += 1;
    expect(map.get('k')).toBeUndefined();
    expect(map.ttl('k')).toBeUndefined();
  });

  it('update keeps the expiry', () => {
    map.set('k', 'v1', 100);
    now += 50;
    map.update('k', 'v2');
    expect(map.get('k')).toBe('v2');
    now += 50;
    expect(map.get('k')).toBeUndefined();
  });

  it('update does not resurrect an expired key', () => {
    map.set('k', 'v1', 10);
    now += 10;
    map.update('k', 'v2');
    expect(map.get('k')).toBeUndefined();
  });

  it('delete reports whether the key was there', () => {
    map.set('k', 'v', 100);
    expect(map.delete('k')).toBe(true);
    expect(map.delete('k')).toBe(false);
  });
});

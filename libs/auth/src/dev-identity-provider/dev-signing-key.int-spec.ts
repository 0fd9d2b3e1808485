import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateDevSigningKey } from './dev-signing-key';

describe('loadOrCreateDevSigningKey', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowgate-dev-key-'));

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('creates one key under concurrent first use, readable only by its owner, and keeps it', async () => {
    const keys = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateDevSigningKey(dir)));
    expect(new Set(keys.map((key) => key.kid)).size).toBe(1);
    expect(statSync(join(dir, 'signing-key.json')).mode & 0o777).toBe(0o600);
    expect((await loadOrCreateDevSigningKey(dir)).kid).toBe(keys[0].kid);
    expect(keys[0].publicJwk).not.toHaveProperty('d');
  });
});

import type { FlowgateConfig } from '@flowgate/core';
import { ReceiverAddress, ReceiverRefused } from './receiver-address';

function receivers(webhooks: { allowedTargets?: string[]; requireHttps?: boolean }): ReceiverAddress {
  const config = { webhooks: { allowedTargets: [], requireHttps: false, ...webhooks } } as unknown as FlowgateConfig;
  return new ReceiverAddress(config);
}

describe('ReceiverAddress', () => {
  it('refuses a host name that resolves to loopback, unless the allowlist names the address', async () => {
    await expect(receivers({}).check('http://localhost:8080/hook')).rejects.toThrow(
      /^The host localhost resolves to (127\.0\.0\.1|::1), a loopback address\.$/,
    );
    const allowed = receivers({ allowedTargets: ['127.0.0.0/8', '::1'] });
    await expect(allowed.check('http://localhost:8080/hook')).resolves.toMatchObject({
      address: expect.stringMatching(/^(127\.0\.0\.1|::1)$/),
    });
  });

  it('answers the checked address to connect to, for an IP literal as for a name', async () => {
    const allowed = receivers({ allowedTargets: ['127.0.0.1', '::1'] });
    await expect(allowed.check('http://127.0.0.1:9/x')).resolves.toMatchObject({ address: '127.0.0.1', family: 4 });
    await expect(allowed.check('http://[::1]:9/x')).resolves.toMatchObject({ address: '::1', family: 6 });
  });

  it('requires https when configured (production)', async () => {
    const strict = receivers({ requireHttps: true, allowedTargets: ['127.0.0.1'] });
    await expect(strict.check('http://127.0.0.1/x')).rejects.toThrow('The URL must use https.');
    await expect(strict.check('https://127.0.0.1/x')).resolves.toMatchObject({ address: '127.0.0.1' });
  });

  it('refuses a host that does not resolve', async () => {
    await expect(receivers({}).check('https://no-such-host.invalid/x')).rejects.toBeInstanceOf(ReceiverRefused);
  });
});

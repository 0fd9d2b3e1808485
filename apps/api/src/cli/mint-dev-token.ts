import { parseArgs } from 'node:util';
import { DevIdentityProvider } from '@flowgate/auth';
import { ConfigError } from '@flowgate/core';
import { loadApiConfig } from '../config';

const USAGE = `Usage: npm run token -- --user <name> [--roles approver,admin] [--step-up] [--cp1] [--expires <seconds>]

Prints an access token from the development identity provider (the same key the app uses, kept
in AUTH_DEV_KEY_DIR). Call the API with:  curl -H "Authorization: Bearer $(npm run -s token -- --user alice)" ...`;

/** `npm run token`: a development access token, signed locally. Refused where the dev issuer is off. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      user: { type: 'string' },
      roles: { type: 'string', multiple: true },
      'step-up': { type: 'boolean', default: false },
      cp1: { type: 'boolean', default: false },
      expires: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || !values.user) {
    process.stderr.write(`${USAGE}\n`);
    process.exit(values.help ? 0 : 2);
  }
  const config = loadApiConfig();
  if (!config.auth.devIdentityProvider.enabled) {
    process.stderr.write('The development identity provider is disabled (AUTH_DEV_IDENTITY_PROVIDER=false).\n');
    process.exit(1);
  }
  const token = await new DevIdentityProvider(config).mint({
    user: values.user,
    roles: (values.roles ?? [])
      .flatMap((entry) => entry.split(','))
      .map((role) => role.trim())
      .filter(Boolean),
    stepUp: values['step-up'],
    claimsChallengeCapable: values.cp1,
    expiresInSeconds: values.expires ? Number(values.expires) : undefined,
  });
  process.stdout.write(`${token}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
  process.exit(1);
});

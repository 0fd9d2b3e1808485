import { readAuditConfig } from '@flowgate/audit';
import { readAuthConfig } from '@flowgate/auth';
import { type ConfigSections, configLoader } from '@flowgate/core';
import { readTrafficConfig } from '@flowgate/traffic';
import { readWebhooksConfig } from '@flowgate/webhooks';

/**
 * The worker reads the same environment as the API (one ConfigMap or App Service configuration
 * for both): the feature modules whose jobs it runs read their sections, and the whole is
 * validated at boot with the same messages.
 */
export const WORKER_CONFIG_SECTIONS: ConfigSections = {
  auth: readAuthConfig,
  audit: readAuditConfig,
  traffic: readTrafficConfig,
  webhooks: readWebhooksConfig,
};

const loader = configLoader(WORKER_CONFIG_SECTIONS);

/** The worker's whole configuration, from the process environment unless `env` is given. */
export const loadWorkerConfig = loader.load;

/** `loadWorkerConfig` over the process environment with some variables replaced (tests, tools). */
export const loadWorkerConfigOverriding = loader.loadOverriding;

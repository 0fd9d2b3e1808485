import { readAuditConfig } from '@flowgate/audit';
import { readAuthConfig } from '@flowgate/auth';
import { type ConfigSections, configLoader } from '@flowgate/core';
import { readTrafficConfig } from '@flowgate/traffic';
import { readWebhooksConfig } from '@flowgate/webhooks';

/**
 * The feature sections of the API's configuration, each read by its feature, validated with
 * core's at boot in one pass (one error naming every bad variable). Typed against
 * `FlowgateConfig`: a feature that adds a section and is missing here does not compile.
 */
export const API_CONFIG_SECTIONS: ConfigSections = {
  auth: readAuthConfig,
  audit: readAuditConfig,
  traffic: readTrafficConfig,
  webhooks: readWebhooksConfig,
};

const loader = configLoader(API_CONFIG_SECTIONS);

/** The API's whole configuration, from the process environment unless `env` is given. */
export const loadApiConfig = loader.load;

/** `loadApiConfig` over the process environment with some variables replaced (tests, tools). */
export const loadApiConfigOverriding = loader.loadOverriding;

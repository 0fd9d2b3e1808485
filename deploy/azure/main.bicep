// Flowgate on Azure App Service (docs/deployment.md, "Azure App Service"): one Linux plan running
// the API and the worker from one image, each with a `staging` slot; PostgreSQL flexible server,
// Azure Cache for Redis (TLS only), Key Vault for every secret (app settings hold references, never
// values), Log Analytics for logs and metrics. Deployed per environment with
// parameters/<environment>.bicepparam by .github/workflows/deploy.yml (what-if first).
targetScope = 'resourceGroup'

@description('staging or production: names, sizes and redundancy follow it.')
@allowed(['staging', 'production'])
param environmentName string

@description('Azure region of every resource.')
param location string = resourceGroup().location

@description('Short name the resources are named after, e.g. flowgate → flowgate-production-api.')
@minLength(3)
@maxLength(16)
param namePrefix string = 'flowgate'

@description('Azure Container Registry (same resource group) the apps pull from with their managed identities.')
param containerRegistryName string

@description('The image the apps run now, pinned by digest (flowgate@sha256:…; the registry host is added). The delivery workflow passes the one production runs, so that an infrastructure deployment never changes the code that serves: a new image reaches the staging slots, then production by a swap.')
param runningImage string

@description('Where clients reach the API (PUBLIC_BASE_URL), e.g. https://flowgate.example.com.')
param publicBaseUrl string

@description('Entra ID tenants whose users may call the API (AUTH_ENTRA_TENANT_IDS, comma-separated).')
param entraTenantIds string = tenant().tenantId

@description('Accepted token audiences (AUTH_AUDIENCES): the app ID URI and/or client id, comma-separated.')
param authAudiences string

@description('Proxies in front of the API (TRUST_PROXY): 1 for App Service\'s front end, 2 with Front Door or Application Gateway before it.')
param trustProxy string = '1'

@description('PostgreSQL administrator login; the API connects as this role.')
param postgresAdministratorLogin string = 'flowgate'

@description('PostgreSQL administrator password: written into Key Vault (database-url), never into an app setting.')
@secure()
param postgresAdministratorPassword string

var production = environmentName == 'production'
var baseName = '${namePrefix}-${environmentName}'
var registryServer = '${containerRegistryName}.azurecr.io'

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    name: baseName
    location: location
    retentionInDays: production ? 90 : 30
  }
}

module vault 'modules/key-vault.bicep' = {
  name: 'key-vault'
  params: {
    // Key Vault names are global and at most 24 characters.
    name: take('${replace(baseName, '-', '')}${uniqueString(resourceGroup().id)}', 24)
    location: location
    logAnalyticsWorkspaceId: monitoring.outputs.workspaceId
  }
}

module postgres 'modules/postgres.bicep' = {
  name: 'postgres'
  params: {
    name: '${baseName}-${uniqueString(resourceGroup().id)}'
    location: location
    highAvailability: production
    administratorLogin: postgresAdministratorLogin
    administratorPassword: postgresAdministratorPassword
    keyVaultName: vault.outputs.name
    logAnalyticsWorkspaceId: monitoring.outputs.workspaceId
  }
}

module redis 'modules/redis.bicep' = {
  name: 'redis'
  params: {
    name: '${baseName}-${uniqueString(resourceGroup().id)}'
    location: location
    premium: production
    keyVaultName: vault.outputs.name
    logAnalyticsWorkspaceId: monitoring.outputs.workspaceId
  }
}

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: '${baseName}-plan'
  location: location
  kind: 'linux'
  // Slots need Standard or above; Premium v3 spreads instances over zones in production.
  sku: production ? { name: 'P1v3', tier: 'PremiumV3', capacity: 3 } : { name: 'S1', tier: 'Standard', capacity: 1 }
  properties: {
    reserved: true
    zoneRedundant: production
  }
}

// The settings both processes read (every name is one Flowgate's configuration reads: .env.example;
// deploy/azure/bicep.spec.ts checks). Secrets are Key Vault references, resolved by App Service
// with the app's managed identity.
var flowgateSettings = {
  NODE_ENV: 'production'
  // Never on start: the release step runs migrations (deploy.yml), before the slot swap.
  DATABASE_MIGRATIONS_RUN: 'false'
  DATABASE_SSL: 'verify-full'
  DATABASE_URL: '@Microsoft.KeyVault(VaultName=${vault.outputs.name};SecretName=database-url)'
  REDIS_URL: '@Microsoft.KeyVault(VaultName=${vault.outputs.name};SecretName=redis-url)'
  REDIS_KEY_PREFIX: 'flowgate:${environmentName}:'
  WEBHOOK_SECRETS_KEY: '@Microsoft.KeyVault(VaultName=${vault.outputs.name};SecretName=webhook-secrets-key)'
  AUDIT_ANCHOR_SIGNING_KEY: '@Microsoft.KeyVault(VaultName=${vault.outputs.name};SecretName=audit-anchor-signing-key)'
  PUBLIC_BASE_URL: publicBaseUrl
  TRUST_PROXY: trustProxy
  AUTH_ENTRA_TENANT_IDS: entraTenantIds
  AUTH_AUDIENCES: authAudiences
  LOG_LEVEL: 'info'
}

module api 'modules/web-app.bicep' = {
  name: 'api'
  params: {
    name: '${baseName}-api'
    location: location
    planId: plan.id
    image: '${registryServer}/${runningImage}'
    registryName: containerRegistryName
    keyVaultName: vault.outputs.name
    logAnalyticsWorkspaceId: monitoring.outputs.workspaceId
    port: 3000
    startupCommand: ''
    publicIngress: true
    appSettings: flowgateSettings
  }
}

module worker 'modules/web-app.bicep' = {
  name: 'worker'
  params: {
    name: '${baseName}-worker'
    location: location
    planId: plan.id
    image: '${registryServer}/${runningImage}'
    registryName: containerRegistryName
    keyVaultName: vault.outputs.name
    logAnalyticsWorkspaceId: monitoring.outputs.workspaceId
    // The worker's own listener (WORKER_PORT): health for App Service, nothing else.
    port: 3001
    startupCommand: 'node dist/apps/worker/apps/worker/src/main.js'
    publicIngress: false
    appSettings: flowgateSettings
  }
}

output apiAppName string = api.outputs.name
output workerAppName string = worker.outputs.name
output apiStagingUrl string = api.outputs.stagingUrl
output apiUrl string = api.outputs.url
output keyVaultName string = vault.outputs.name
output logAnalyticsWorkspaceId string = monitoring.outputs.workspaceId

// One Flowgate process as a Linux container web app with a `staging` slot: the API, or the worker
// (no public ingress: only App Service's own health checks reach it). Each (production and slot)
// has a system-assigned managed identity that pulls the image and reads Key Vault secrets.
param name string
param location string
param planId string
@description('Registry host, repository and digest.')
param image string
param registryName string
param keyVaultName string
param logAnalyticsWorkspaceId string
@description('The port the container answers on: PORT for the API, WORKER_PORT for the worker.')
param port int
@description('Replaces the image\'s CMD (tini stays the entrypoint); empty runs the API.')
param startupCommand string
param publicIngress bool
param appSettings object

var siteConfig = {
  linuxFxVersion: 'DOCKER|${image}'
  appCommandLine: startupCommand
  acrUseManagedIdentityCreds: true
  alwaysOn: true
  // Readiness: an instance whose PostgreSQL is away, or that drains, leaves the load balancer.
  healthCheckPath: '/health/ready'
  http20Enabled: true
  minTlsVersion: '1.2'
  ftpsState: 'Disabled'
  ipSecurityRestrictionsDefaultAction: publicIngress ? 'Allow' : 'Deny'
  scmIpSecurityRestrictionsUseMain: true
  appSettings: [
    for setting in items(union(appSettings, {
      WEBSITES_PORT: string(port)
      WEBSITES_ENABLE_APP_SERVICE_STORAGE: 'false'
    })): { name: setting.key, value: setting.value }
  ]
}

resource app 'Microsoft.Web/sites@2023-12-01' = {
  name: name
  location: location
  kind: 'app,linux,container'
  identity: { type: 'SystemAssigned' }
  properties: {
    serverFarmId: planId
    httpsOnly: true
    clientAffinityEnabled: false
    siteConfig: siteConfig
  }
}

// Deployments land here first; deploy.yml smoke-tests it, then swaps it into production.
resource staging 'Microsoft.Web/sites/slots@2023-12-01' = {
  parent: app
  name: 'staging'
  location: location
  kind: 'app,linux,container'
  identity: { type: 'SystemAssigned' }
  properties: {
    serverFarmId: planId
    httpsOnly: true
    clientAffinityEnabled: false
    siteConfig: siteConfig
  }
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' existing = {
  name: registryName
}

var keyVaultSecretsUser = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '4633458b-17de-408a-b874-0445c86b69e6')
var acrPull = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '7f951dda-4ed3-4680-a7ca-43fe172d538d')
var principals = [app.identity.principalId, staging.identity.principalId]

resource readSecrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (principalId, index) in principals: {
    name: guid(vault.id, name, string(index), keyVaultSecretsUser)
    scope: vault
    properties: { principalId: principalId, principalType: 'ServicePrincipal', roleDefinitionId: keyVaultSecretsUser }
  }
]

resource pullImages 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (principalId, index) in principals: {
    name: guid(registry.id, name, string(index), acrPull)
    scope: registry
    properties: { principalId: principalId, principalType: 'ServicePrincipal', roleDefinitionId: acrPull }
  }
]

resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'logs'
  scope: app
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      { category: 'AppServiceConsoleLogs', enabled: true }
      { category: 'AppServiceHTTPLogs', enabled: true }
      { category: 'AppServicePlatformLogs', enabled: true }
    ]
    metrics: [{ category: 'AllMetrics', enabled: true }]
  }
}

output name string = app.name
output url string = 'https://${app.properties.defaultHostName}'
output stagingUrl string = 'https://${staging.properties.defaultHostName}'

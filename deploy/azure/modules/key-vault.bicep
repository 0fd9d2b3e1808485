// Every secret Flowgate reads. Access by Azure RBAC (no access policies): the apps' managed
// identities get "Key Vault Secrets User" (web-app.bicep). database-url and redis-url are written
// by postgres.bicep and redis.bicep; webhook-secrets-key and audit-anchor-signing-key are created
// once by an operator (docs/deployment.md) and never by a template, so no deployment can replace them.
param name string
param location string
param logAnalyticsWorkspaceId string

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  properties: {
    tenantId: tenant().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
  }
}

resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'logs'
  scope: vault
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [{ categoryGroup: 'audit', enabled: true }]
  }
}

output name string = vault.name

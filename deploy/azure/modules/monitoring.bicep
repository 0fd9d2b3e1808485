// Azure Monitor: one Log Analytics workspace receives the apps' console logs (Flowgate's JSON
// lines), HTTP and platform logs and metrics, and those of PostgreSQL, Redis and Key Vault.
param name string
param location string
param retentionInDays int

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${name}-logs'
  location: location
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: retentionInDays
  }
}

output workspaceId string = workspace.id

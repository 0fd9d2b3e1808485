// Azure Database for PostgreSQL flexible server 16, TLS required (DATABASE_SSL=verify-full), and
// its connection URL as the Key Vault secret `database-url`.
param name string
param location string
param highAvailability bool
param administratorLogin string
@secure()
param administratorPassword string
param keyVaultName string
param logAnalyticsWorkspaceId string

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2022-12-01' = {
  name: name
  location: location
  sku: highAvailability
    ? { name: 'Standard_D2ds_v4', tier: 'GeneralPurpose' }
    : { name: 'Standard_B2s', tier: 'Burstable' }
  properties: {
    version: '16'
    administratorLogin: administratorLogin
    administratorLoginPassword: administratorPassword
    storage: { storageSizeGB: highAvailability ? 128 : 32 }
    backup: {
      backupRetentionDays: highAvailability ? 35 : 7
      geoRedundantBackup: highAvailability ? 'Enabled' : 'Disabled'
    }
    highAvailability: { mode: highAvailability ? 'ZoneRedundant' : 'Disabled' }
  }
}

resource database 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2022-12-01' = {
  parent: server
  name: 'flowgate'
  properties: { charset: 'UTF8', collation: 'en_US.utf8' }
}

// Public access limited to Azure's own addresses (App Service, the release step's container).
// Private networking (VNet integration and a delegated subnet) is the stricter alternative.
resource azureServices 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2022-12-01' = {
  parent: server
  name: 'AllowAzureServices'
  properties: { startIpAddress: '0.0.0.0', endIpAddress: '0.0.0.0' }
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource databaseUrl 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'database-url'
  properties: {
    value: 'postgres://${administratorLogin}:${uriComponent(administratorPassword)}@${server.properties.fullyQualifiedDomainName}:5432/${database.name}'
  }
}

resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'logs'
  scope: server
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [{ categoryGroup: 'allLogs', enabled: true }]
    metrics: [{ category: 'AllMetrics', enabled: true }]
  }
}

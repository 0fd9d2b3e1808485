using '../main.bicep'

param environmentName = 'staging'
param containerRegistryName = 'flowgateregistry'
// The image production runs: the delivery workflow passes it (runningImage=…), the first
// deployment its new one.
param runningImage = 'flowgate@sha256:0000000000000000000000000000000000000000000000000000000000000000'
param publicBaseUrl = 'https://flowgate-staging.example.com'
param authAudiences = 'api://flowgate-staging'
param postgresAdministratorPassword = readEnvironmentVariable('POSTGRES_ADMINISTRATOR_PASSWORD')

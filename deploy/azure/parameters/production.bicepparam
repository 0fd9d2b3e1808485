using '../main.bicep'

param environmentName = 'production'
param containerRegistryName = 'flowgateregistry'
// The image production runs: the delivery workflow passes it (runningImage=…), the first
// deployment its new one.
param runningImage = 'flowgate@sha256:0000000000000000000000000000000000000000000000000000000000000000'
param publicBaseUrl = 'https://flowgate.example.com'
param authAudiences = 'api://flowgate'
// Front Door before App Service's front end: two proxies.
param trustProxy = '2'
param postgresAdministratorPassword = readEnvironmentVariable('POSTGRES_ADMINISTRATOR_PASSWORD')

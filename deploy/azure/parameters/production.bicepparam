using '../main.bicep'

param environmentName = 'production'
param containerRegistryName = 'flowgateregistry'
// Replaced by the delivery pipeline with the digest it built (deploy.yml passes `image=`).
param image = 'flowgate@sha256:0000000000000000000000000000000000000000000000000000000000000000'
param publicBaseUrl = 'https://flowgate.example.com'
param authAudiences = 'api://flowgate'
// Front Door before App Service's front end: two proxies.
param trustProxy = '2'
param postgresAdministratorPassword = readEnvironmentVariable('POSTGRES_ADMINISTRATOR_PASSWORD')

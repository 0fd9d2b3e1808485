using '../main.bicep'

param environmentName = 'staging'
param containerRegistryName = 'flowgateregistry'
// Replaced by the delivery pipeline with the digest it built (deploy.yml passes `image=`).
param image = 'flowgate@sha256:0000000000000000000000000000000000000000000000000000000000000000'
param publicBaseUrl = 'https://flowgate-staging.example.com'
param authAudiences = 'api://flowgate-staging'
param postgresAdministratorPassword = readEnvironmentVariable('POSTGRES_ADMINISTRATOR_PASSWORD')

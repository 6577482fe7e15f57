#!/bin/sh
# Checks docker-compose.yml without a Docker engine (`docker compose config` only): it refuses to
# render without each required secret, renders with them, keeps Temporal on 127.0.0.1, and starts
# the simulator only under the dev profile. Needs the Compose v2 CLI plugin.
set -eu
cd "$(dirname "$0")/.."
docker compose version > /dev/null 2>&1 || { echo "check-compose: no 'docker compose' here; skipped"; exit 0; }

REQUIRED="API_KEYS PAYLOAD_KEYS POSTGRES_PASSWORD SHOP_DB_PASSWORD TEMPORAL_DB_PASSWORD"
set_all() { for v in $REQUIRED; do export "$v=check-$v"; done; }
fail() { echo "check-compose: $*" >&2; exit 1; }

for missing in $REQUIRED; do
  set_all
  unset "$missing"
  if out=$(docker compose config -q 2>&1); then fail "renders without $missing"; fi
  echo "$out" | grep -q "required variable $missing is missing" || fail "without $missing: $out"
done

set_all
prod=$(docker compose config)
echo "$prod" | grep -q 'host_ip: 127.0.0.1' || fail 'Temporal ports are not bound to 127.0.0.1'
echo "$prod" | grep -q '^  simulator:' && fail 'the simulator runs without the dev profile'
echo "$prod" | grep -q 'postgres://shop:' || fail 'the app does not use its own PostgreSQL role'
docker compose --env-file deploy/compose.dev.env --profile dev config --services | grep -qx simulator || fail 'the dev profile has no simulator'
MONITORING_KEY=check docker compose --profile monitoring config --services | grep -qx prometheus || fail 'the monitoring profile has no prometheus'
echo "$prod" | grep -q '^  prometheus:' && fail 'prometheus runs without the monitoring profile'
echo "check-compose: ok"

#!/usr/bin/env bash
# Starts a throw-away PartnerWeb on a fresh SQLite database, for scripts and tests, in Development
# (the demo data it signs in with is refused in any other environment; see README, Development and production).
# Usage: source scripts/lib/server.sh; start_server; ...; stop_server
# Sets BASE_URL, SERVER_PID, SERVER_DIR. Needs a build: CONFIGURATION (default Release).

CONFIGURATION=${CONFIGURATION:-Release}

start_server() {
  local root
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  local dll="$root/PartnerWeb/bin/$CONFIGURATION/net10.0/PartnerWeb.dll"
  if [[ ! -f $dll ]]; then
    dotnet build "$root/PartnerWeb/PartnerWeb.csproj" -c "$CONFIGURATION" -v quiet >/dev/null || return 1
  fi
  local port=${PORT:-$((5100 + RANDOM % 800))}
  SERVER_DIR=$(mktemp -d)
  export STRIPE_WEBHOOK_SECRET=${STRIPE_WEBHOOK_SECRET:-whsec_test_$(openssl rand -hex 12)}
  (
    cd "$root/PartnerWeb" &&
    ASPNETCORE_URLS="http://127.0.0.1:$port" ASPNETCORE_ENVIRONMENT=Development \
    Seed__Demo=true Stripe__WebhookSecret="$STRIPE_WEBHOOK_SECRET" \
    ConnectionStrings__Default="Data Source=$SERVER_DIR/partnerweb.db" \
    exec dotnet "$dll"
  ) >"$SERVER_DIR/server.log" 2>&1 &
  SERVER_PID=$!
  export BASE_URL="http://127.0.0.1:$port"
  for _ in $(seq 1 120); do
    if curl -sf "$BASE_URL/healthz" >/dev/null 2>&1; then
      return 0
    fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      break
    fi
    sleep 0.5
  done
  echo "server did not start; its log:" >&2
  cat "$SERVER_DIR/server.log" >&2
  return 1
}

stop_server() {
  if [[ -n ${SERVER_PID:-} ]]; then
    kill "$SERVER_PID" 2>/dev/null
    wait "$SERVER_PID" 2>/dev/null
  fi
  [[ -n ${SERVER_DIR:-} ]] && rm -rf "$SERVER_DIR"
  SERVER_PID=""
}

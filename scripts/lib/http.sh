#!/usr/bin/env bash
# Small helpers shared by smoke.sh, verify.sh and proof.sh: HTTP calls, PASS/FAIL lines, Stripe signing.

BASE_URL=${BASE_URL:-http://127.0.0.1:5080}
DEMO_PASSWORD=${DEMO_PASSWORD:-Demo!2345}
# The development secret of appsettings.Development.json unless the caller names the server's.
STRIPE_WEBHOOK_SECRET=${STRIPE_WEBHOOK_SECRET:-whsec_dev_partnerweb_local_secret}
PASS_COUNT=0
FAIL_COUNT=0
BODY=""
STATUS=""
HEADERS=""

# call METHOD PATH [TOKEN] [JSON] -> sets STATUS, BODY and HEADERS (the response headers)
call() {
  local method=$1 path=$2 token=${3:-} data=${4:-}
  local body_file head_file
  body_file=$(mktemp) head_file=$(mktemp)
  local args=(-s -X "$method" -o "$body_file" -D "$head_file" -w '%{http_code}' "$BASE_URL$path")
  [[ -n $token ]] && args+=(-H "Authorization: Bearer $token")
  [[ -n $data ]] && args+=(-H 'Content-Type: application/json' --data "$data")
  STATUS=$(curl "${args[@]}")
  BODY=$(cat "$body_file" 2>/dev/null)
  HEADERS=$(tr -d '\r' <"$head_file" 2>/dev/null)
  rm -f "$body_file" "$head_file"
}

# retry_after -> the Retry-After seconds of the last response (1 when absent)
retry_after() {
  local seconds
  seconds=$(sed -n 's/^[Rr]etry-[Aa]fter: *\([0-9][0-9]*\).*/\1/p' <<<"$HEADERS" | head -n 1)
  echo "${seconds:-1}"
}

# call_patiently: like call, but when the server answers 429 it waits the announced Retry-After
# (at most 65 s) and tries again, up to twice. For re-runs against one server within a rate window.
call_patiently() {
  local attempt wait
  for attempt in 1 2 3; do
    call "$@"
    [[ $STATUS == 429 && $attempt -lt 3 ]] || return 0
    wait=$(retry_after)
    (( wait > 65 )) && wait=65
    echo "     (rate limited on $1 $2: waiting ${wait}s as Retry-After asks)" >&2
    sleep "$wait"
  done
}

# check NAME EXPECTED ACTUAL
check() {
  if [[ "$2" == "$3" ]]; then
    echo "PASS $1"
    PASS_COUNT=$((PASS_COUNT + 1))
  else
    echo "FAIL $1 (expected '$2', got '$3')"
    [[ -n $BODY ]] && echo "     body: ${BODY:0:300}"
    FAIL_COUNT=$((FAIL_COUNT + 1))
  fi
}

token_for() {
  call_patiently POST /api/auth/token "" "{\"email\":\"$1\",\"password\":\"$DEMO_PASSWORD\"}"
  jq -r '.accessToken // empty' <<<"$BODY"
}

# sign_stripe BODY -> the Stripe-Signature header value for now
sign_stripe() {
  local ts=${2:-$(date +%s)}
  local sig
  sig=$(printf '%s' "$ts.$1" | openssl dgst -sha256 -hmac "$STRIPE_WEBHOOK_SECRET" | sed 's/^.* //')
  echo "t=$ts,v1=$sig"
}

# stripe_event ID TYPE OBJECT_JSON -> an event body
stripe_event() {
  printf '{"id":"%s","object":"event","api_version":"2026-10-28.endive","created":%s,"livemode":false,"type":"%s","data":{"object":%s}}' \
    "$1" "$(date +%s)" "$2" "$3"
}

# post_webhook BODY [SIGNATURE] -> sets STATUS and BODY
post_webhook() {
  local payload=$1 signature=${2-$(sign_stripe "$1")}
  local body_file
  body_file=$(mktemp)
  local args=(-s -o "$body_file" -w '%{http_code}' -X POST "$BASE_URL/api/billing/stripe/webhook"
    -H 'Content-Type: application/json' --data "$payload")
  [[ -n $signature ]] && args+=(-H "Stripe-Signature: $signature")
  STATUS=$(curl "${args[@]}")
  BODY=$(cat "$body_file" 2>/dev/null)
  rm -f "$body_file"
}

# wait_for CMD... : retries a check command for up to 20 s
wait_for() {
  for _ in $(seq 1 40); do
    "$@" && return 0
    sleep 0.5
  done
  return 1
}

summary() {
  echo "$PASS_COUNT passed, $FAIL_COUNT failed"
  [[ $FAIL_COUNT -eq 0 ]]
}

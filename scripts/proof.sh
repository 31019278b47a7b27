#!/usr/bin/env bash
# Proof pack of step 22 (spec §11; seed step 22.6, sections A–E).
# Builds (Release), starts a throw-away server on a fresh SQLite database with a known Stripe webhook
# secret (scripts/lib/server.sh), runs the pack against it, stops it, and writes the report to
# reports/step22-proof.md or to the path given as the first argument.
#
# The report opens with a summary table computed from the raw outputs below it; nothing in it is
# written by hand. Exits non-zero when any check fails.
set -uo pipefail
OUT=${1:-}
# A path given by the caller is taken relative to where it was called from.
[[ -n $OUT && $OUT != /* ]] && OUT="$(pwd)/$OUT"
cd "$(dirname "$0")/.."
OUT=${OUT:-reports/step22-proof.md}

source scripts/lib/ensure-tools.sh
ensure_tools || { echo "proof: the tools it needs are missing" >&2; exit 1; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# A known webhook secret, so the signatures shown below can be checked by anyone.
export STRIPE_WEBHOOK_SECRET=whsec_proof_step22_partnerweb
source scripts/lib/http.sh
CONFIGURATION=Release
source scripts/lib/server.sh

WORK=$(mktemp -d)
cleanup() {
  stop_server
  rm -rf "$WORK"
}
trap cleanup EXIT

CHECKS="$WORK/checks.tsv"
: >"$CHECKS"
for s in A B C D E; do : >"$WORK/$s.md"; done
SECTION=A      # where api/webhook blocks go
SQL_SECTION=B  # where sqlite blocks go

# ---------------------------------------------------------------- helpers

# ck ID NAME EXPECTED OBSERVED: one row of the summary table (and a PASS/FAIL line on stdout)
ck() {
  local id=$1 name=$2 expected=$3 observed=$4 result=FAIL
  [[ "$expected" == "$observed" ]] && result=PASS
  printf '%s\t%s\t%s\t%s\t%s\n' "$id" "$name" "$expected" "$observed" "$result" >>"$CHECKS"
  echo "$result [$id] $name"
  [[ $result == PASS ]] || echo "     expected '$expected', observed '$observed'"
}

# md TEXT...: lines of prose into the current section
md() { printf '%s\n' "$@" >>"$WORK/$SECTION.md"; }

# api ID TOKEN_VARIABLE METHOD PATH [JSON]: runs curl, shows the command and the raw response
# (status line, headers, body) under the heading ID; sets STATUS and BODY
api() {
  local id=$1 tokvar=$2 method=$3 path=$4 data=${5:-}
  local head="$WORK/head" body="$WORK/body"
  local args=(-s -X "$method" -D "$head" -o "$body" -w '%{http_code}' "$BASE_URL$path")
  local shown="curl -s -i -X $method \"\$BASE_URL$path\""
  if [[ -n $tokvar ]]; then
    args+=(-H "Authorization: Bearer ${!tokvar}")
    shown+=" -H \"Authorization: Bearer \$$tokvar\""
  fi
  if [[ -n $data ]]; then
    args+=(-H 'Content-Type: application/json' --data "$data")
    shown+=" -H 'Content-Type: application/json' --data '$data'"
  fi
  STATUS=$(curl "${args[@]}")
  BODY=$(cat "$body")
  {
    echo "**$id**"
    echo
    echo '```console'
    echo "\$ $shown"
    tr -d '\r' <"$head"
    cat "$body"
    echo
    echo '```'
    echo
  } >>"$WORK/$SECTION.md"
}

# webhook ID EVENT_JSON: posts a Stripe event signed now with STRIPE_WEBHOOK_SECRET; like api
webhook() {
  local id=$1 payload=$2
  local signature
  signature=$(sign_stripe "$payload")
  local head="$WORK/head" body="$WORK/body"
  STATUS=$(curl -s -X POST -D "$head" -o "$body" -w '%{http_code}' "$BASE_URL/api/billing/stripe/webhook" \
    -H 'Content-Type: application/json' -H "Stripe-Signature: $signature" --data "$payload")
  BODY=$(cat "$body")
  {
    echo "**$id**"
    echo
    echo '```console'
    echo "\$ curl -s -i -X POST \"\$BASE_URL/api/billing/stripe/webhook\" -H 'Content-Type: application/json' -H 'Stripe-Signature: $signature' --data '$payload'"
    tr -d '\r' <"$head"
    cat "$body"
    echo
    echo '```'
    echo
  } >>"$WORK/$SECTION.md"
}

# sql ID QUERY: runs sqlite3 on the server's database, shows command and output; sets SQL_OUT
sql() {
  local id=$1 query=$2
  SQL_OUT=$(cd "$SERVER_DIR" && sqlite3 -header -box partnerweb.db "$query" 2>&1)
  {
    echo "**$id**"
    echo
    echo '```console'
    echo "\$ sqlite3 -header -box partnerweb.db \"$query\""
    echo "$SQL_OUT"
    echo '```'
    echo
  } >>"$WORK/$SQL_SECTION.md"
}

# sql_values COLUMN: that column's values in the box output of the last sql, one per line. Several
# statements in one query print several tables; it reads the first table that has the column.
sql_values() {
  grep -E '^(│|┌)' <<<"$SQL_OUT" | sed -e 's/^│ *//' -e 's/ *│$//' -e 's/ *│ */\t/g' |
    awk -F'\t' -v c="$1" '/^┌/ { table++; header = 1; next }
      header { header = 0; k = 0; for (i = 1; i <= NF; i++) if ($i == c) k = i; if (k && !found) { found = table }; next }
      table == found && k { print $k }'
}
sql_count() { sql_values "$1" | grep -cx -- "$2"; }
joined() { paste -sd, -; }
upper() { tr '[:lower:]' '[:upper:]' <<<"$1"; }

# ---------------------------------------------------------------- build and server

GENERATED_AT=$(date -u +%Y-%m-%dT%H:%M:%SZ)
COMMIT=$(git rev-parse HEAD 2>/dev/null || echo unknown)
COMMIT_SUBJECT=$(git log -1 --format=%s 2>/dev/null || echo unknown)
DIRTY=$(git status --porcelain 2>/dev/null | wc -l | tr -d ' ')

echo "proof: building (Release)"
build_out=$(dotnet build PartnerWeb/PartnerWeb.csproj -c Release -v quiet -nologo 2>&1)
build_exit=$?
ck S "Release build succeeds" 0 "$build_exit"
[[ $build_exit -eq 0 ]] || tail -n 30 <<<"$build_out" >&2

server_up=false
if [[ $build_exit -eq 0 ]] && start_server; then server_up=true; fi
ck S "throw-away server on a fresh SQLite database answers /healthz" true "$server_up"

if $server_up; then
  echo "proof: server at $BASE_URL"
  ADMIN=$(token_for admin@platform.example)
  ACME=$(token_for owner@acme.example)
  GLOBEX=$(token_for owner@globex.example)
  STAFF=$(token_for staff@platform.example)
  ACME_STAFF=$(token_for staff@acme.example)

  # ============================================================ A) the flow, by curl
  SECTION=A
  md "Tokens come from \`POST /api/auth/token\` (password \`$DEMO_PASSWORD\` for every demo user), e.g." \
    '`ADMIN=$(curl -s -X POST "$BASE_URL/api/auth/token" -H '"'"'Content-Type: application/json'"'"' --data '"'"'{"email":"admin@platform.example","password":"Demo!2345"}'"'"' | jq -r .accessToken)`.' \
    "The tokens themselves are not printed; \`GET /api/auth/me\` shows whose each one is." ""
  for v in ADMIN ACME GLOBEX STAFF ACME_STAFF; do
    api "A0 · $v is" "$v" GET /api/auth/me
    [[ $v == ACME ]] && ACME_TENANT=$(jq -r '.tenantId // empty' <<<"$BODY")
  done
  api "A0 · marketplace items (the seeded Acme CRM Add-on)" GLOBEX GET "/api/marketplace/items?limit=200"
  ITEM=$(jq -r '[.items[] | select(.name=="Acme CRM Add-on")][0].id // empty' <<<"$BODY")
  ck A0 "demo item Acme CRM Add-on is 12900 USD, published by Acme's tenant" "12900 USD ${ACME_TENANT:-?}" \
    "$(jq -r '[.items[] | select(.name=="Acme CRM Add-on")][0] | "\(.price) \(.currency) \(.publisherTenantId)"' <<<"$BODY")"

  md "### A1 · apply (owner@acme.example)" "" \
    "Payout preferences are checked per method. An IBAN written backwards behind a right-to-left override (U+202E)" \
    "would read as the real one on the admin's screen: refused, and nothing is written." ""
  api "A1 · apply with an RLO-reversed IBAN" ACME POST /api/partners/apply \
    '{"displayName":"Acme Templates","contactEmail":"partners@acme.example","country":"US","payoutPreferences":{"method":"bank_transfer","accountHolder":"Acme Templates Ltd","iban":"\u202e00031302350440407389ED"}}'
  ck A1 "apply with an RLO-reversed IBAN → 400 naming payoutPreferences.iban" "400 payoutPreferences.iban" "$STATUS $(jq -r '.errors | keys | join(",")' <<<"$BODY")"
  api "A1 · apply" ACME POST /api/partners/apply \
    '{"displayName":"Acme Templates","contactEmail":"partners@acme.example","country":"US","payoutPreferences":{"method":"bank_transfer","accountHolder":"Acme Templates Ltd","iban":"DE89 3704 0044 0532 0130 00"}}'
  PID=$(jq -r '.id // empty' <<<"$BODY")
  ck A1 "apply → 201, status pending" "201 pending" "$STATUS $(jq -r .status <<<"$BODY")"
  api "A1 · the partner's own account" ACME GET /api/partners/me
  ck A1 "GET /api/partners/me → the pending account" "200 $PID pending" "$STATUS $(jq -r '"\(.id) \(.status)"' <<<"$BODY")"
  api "A1 · platform admin lists pending partners" ADMIN GET "/api/partners?status=pending"
  ck A1 "GET /api/partners?status=pending lists it" "200 $PID" "$STATUS $(jq -r '[.items[].id] | join(",")' <<<"$BODY")"

  md "### A2 · approve (platform admin)" ""
  api "A2 · approve" ADMIN POST "/api/partners/$PID/approve"
  ck A2 "approve → 200, status approved" "200 approved" "$STATUS $(jq -r .status <<<"$BODY")"

  md "### A3 · create listing (platform admin: Acme CRM Add-on at 30 %)" ""
  api "A3 · create listing" ADMIN POST "/api/partners/$PID/listings" \
    "{\"marketplaceItemId\":\"$ITEM\",\"commissionType\":\"percent\",\"commissionValue\":30}"
  LISTING=$(jq -r '.id // empty' <<<"$BODY")
  ck A3 "create listing → 201 active percent 30" "201 active percent 30 $ITEM" \
    "$STATUS $(jq -r '"\(.status) \(.commissionType) \(.commissionValue) \(.marketplaceItemId)"' <<<"$BODY")"
  api "A3 · the partner's listings" ACME GET "/api/partners/$PID/listings"
  ck A3 "partner self sees the listing" "200 $LISTING" "$STATUS $(jq -r '[.items[].id] | join(",")' <<<"$BODY")"

  md "### A4 · invoice 1 paid by a signed Stripe \`invoice.paid\`" "" \
    "The server runs with \`Stripe:WebhookSecret=$STRIPE_WEBHOOK_SECRET\`. The signature is" \
    "\`t=<unix time>,v1=<hex HMAC-SHA256 of \"<t>.<body>\" keyed with that secret>\` (\`scripts/lib/http.sh\`, \`sign_stripe\`)." ""
  api "A4 · Globex installs the add-on (invoice 1)" GLOBEX POST "/api/marketplace/items/$ITEM/install"
  INV1=$(jq -r '.invoice.id // empty' <<<"$BODY")
  ck A4 "install → 201 with an open invoice of 12900 USD" "201 open 12900 USD" \
    "$STATUS $(jq -r '.invoice | "\(.status) \(.total) \(.currency)"' <<<"$BODY")"
  EVENT1=$(stripe_event evt_proof_invoice1 invoice.paid \
    "{\"object\":\"invoice\",\"id\":\"in_proof_invoice1\",\"amount_paid\":12900,\"currency\":\"usd\",\"metadata\":{\"invoiceId\":\"$INV1\"}}")
  webhook "A4 · signed invoice.paid" "$EVENT1"
  ck A4 "signed invoice.paid → 200 outcome paid" "200 paid" "$STATUS $(jq -r .outcome <<<"$BODY")"
  api "A4 · invoice 1 afterwards" GLOBEX GET "/api/billing/invoices/$INV1"
  ck A4 "invoice 1 is paid through Stripe" "paid stripe in_proof_invoice1" \
    "$(jq -r '"\(.status) \(.paymentMethod) \(.paymentReference)"' <<<"$BODY")"

  md "### A5 · invoice 2 paid by the manual approval path" ""
  api "A5 · Globex installs the add-on again (invoice 2)" GLOBEX POST "/api/marketplace/items/$ITEM/install"
  INV2=$(jq -r '.invoice.id // empty' <<<"$BODY")
  ck A5 "second install → 201 with an open invoice of 12900 USD" "201 open 12900 USD" \
    "$STATUS $(jq -r '.invoice | "\(.status) \(.total) \(.currency)"' <<<"$BODY")"
  api "A5 · platform admin marks invoice 2 paid" ADMIN POST "/api/billing/invoices/$INV2/mark-paid" '{"reference":"bank-transfer-proof-2"}'
  ck A5 "mark-paid → 200 paid manual" "200 paid manual" "$STATUS $(jq -r '"\(.status) \(.paymentMethod)"' <<<"$BODY")"

  md "### A6 · earnings created (accrued by the background job after commit)" ""
  accrued() {
    call GET "/api/partners/$PID/earnings" "$ADMIN"
    [[ $(jq '.items | length' <<<"$BODY" 2>/dev/null) == 2 ]]
  }
  wait_for accrued
  api "A6 · earnings with totals (platform admin)" ADMIN GET "/api/partners/$PID/earnings"
  ck A6 "two earnings, one per paid invoice" "200 2" "$STATUS $(jq '.items | length' <<<"$BODY")"
  ck A6 "invoice 1 (Stripe): gross 12900, commission 3870 (30 %), net 9030" "12900 3870 9030 USD" \
    "$(jq -r --arg i "$INV1" '[.items[] | select(.invoiceId==$i)] | map("\(.grossAmount) \(.commissionAmount) \(.partnerNet) \(.currency)") | join(";")' <<<"$BODY")"
  ck A6 "invoice 2 (manual): gross 12900, commission 3870 (30 %), net 9030" "12900 3870 9030 USD" \
    "$(jq -r --arg i "$INV2" '[.items[] | select(.invoiceId==$i)] | map("\(.grossAmount) \(.commissionAmount) \(.partnerNet) \(.currency)") | join(";")' <<<"$BODY")"
  ck A6 "totals: USD count 2, gross 25800, commission 7740, net 18060" "USD 2 25800 7740 18060" \
    "$(jq -r '[.totals[] | "\(.currency) \(.count) \(.grossAmount) \(.commissionAmount) \(.partnerNet)"] | join(";")' <<<"$BODY")"
  api "A6 · the partner's own view (/my/earnings)" ACME GET /api/partners/my/earnings
  ck A6 "/my/earnings shows the same two earnings" "200 2 18060" "$STATUS $(jq -r '"\(.items | length) \(.totals[0].partnerNet)"' <<<"$BODY")"

  md "### A7 · the same webhook re-delivered: no second earning" "" \
    "The same event body (same event id) is posted again, signed at delivery time as Stripe does for a retry." ""
  webhook "A7 · invoice.paid evt_proof_invoice1 re-delivered" "$EVENT1"
  ck A7 "re-delivered event → 200 outcome duplicate" "200 duplicate" "$STATUS $(jq -r .outcome <<<"$BODY")"
  EVENT1B=$(stripe_event evt_proof_invoice1_again invoice.payment_succeeded \
    "{\"object\":\"invoice\",\"id\":\"in_proof_invoice1\",\"amount_paid\":12900,\"currency\":\"usd\",\"metadata\":{\"invoiceId\":\"$INV1\"}}")
  webhook "A7 · another event (invoice.payment_succeeded) for the paid invoice 1" "$EVENT1B"
  ck A7 "a second event for the paid invoice → 200 outcome alreadypaid" "200 alreadypaid" "$STATUS $(jq -r .outcome <<<"$BODY")"
  sleep 2
  api "A7 · earnings afterwards" ADMIN GET "/api/partners/$PID/earnings"
  ck A7 "still exactly one earning for invoice 1, two in all" "1 2" \
    "$(jq -r --arg i "$INV1" '"\([.items[] | select(.invoiceId==$i)] | length) \(.items | length)"' <<<"$BODY")"

  # B: earnings rows and the Stripe event rows
  sql "B1 · PartnerEarnings rows of the two paid invoices" \
    "SELECT e.Id, e.InvoiceId, i.Number, i.PaymentMethod, e.Currency, e.GrossAmount, e.CommissionAmount, e.PartnerNet, e.GrossAmount = e.CommissionAmount + e.PartnerNet AS Balanced, e.PayoutId FROM PartnerEarnings e JOIN Invoices i ON i.Id = e.InvoiceId WHERE e.InvoiceId IN ('$(upper "$INV1")', '$(upper "$INV2")') ORDER BY e.CreatedAt;"
  ck B1 "one PartnerEarnings row per paid invoice" "$(upper "$INV1"),$(upper "$INV2")" "$(sql_values InvoiceId | sort | joined)"
  ck B1 "paid by Stripe and by manual approval" "Manual,Stripe" "$(sql_values PaymentMethod | sort | joined)"
  ck B1 "gross 12900 = commission 3870 + net 9030 on both rows" "12900 3870 9030 1,12900 3870 9030 1" \
    "$(paste <(sql_values GrossAmount) <(sql_values CommissionAmount) <(sql_values PartnerNet) <(sql_values Balanced) | tr '\t' ' ' | joined)"
  sql "B2 · after the re-delivery: earnings per invoice and the Stripe events recorded" \
    "SELECT InvoiceId, count(*) AS Earnings FROM PartnerEarnings WHERE InvoiceId IN ('$(upper "$INV1")', '$(upper "$INV2")') GROUP BY InvoiceId ORDER BY InvoiceId; SELECT EventId, Type, InvoiceId, Outcome, ReceivedAt FROM ProcessedStripeEvents WHERE EventId LIKE 'evt_proof_%' ORDER BY ReceivedAt;"
  ck B2 "still one earning per invoice after the re-delivery" "1,1" "$(sql_values Earnings | joined)"
  ck B2 "evt_proof_invoice1 recorded once (outcome paid)" "1 paid" \
    "$(sql_count EventId evt_proof_invoice1) $(paste <(sql_values EventId) <(sql_values Outcome) | awk -F'\t' '$1=="evt_proof_invoice1"{print $2}')"

  md "### A8 · generate payout" ""
  sql "B3 · PartnerPayouts before generation" \
    "SELECT count(*) AS PayoutRows FROM PartnerPayouts WHERE PartnerId = '$(upper "$PID")';"
  ck B3 "no payout before generation" 0 "$(sql_values PayoutRows)"
  api "A8 · generate payouts" ADMIN POST "/api/partners/$PID/payouts/generate"
  PAYOUT=$(jq -r '.payouts[0].id // empty' <<<"$BODY")
  ck A8 "generate → 201 with one owed USD payout of 18060 (bank_transfer)" "201 1 USD 18060 owed bank_transfer" \
    "$STATUS $(jq -r '"\(.payouts | length) \(.payouts[0].currency) \(.payouts[0].amount) \(.payouts[0].status) \(.payouts[0].payoutMethod)"' <<<"$BODY")"
  PAYOUT_QUERY="SELECT Id, Currency, Amount, Status, PayoutMethod, Reference, ApprovedAt, PaidAt, CreatedAt FROM PartnerPayouts WHERE PartnerId = '$(upper "$PID")';"
  sql "B4 · PartnerPayouts after generation, and the earnings it took" \
    "$PAYOUT_QUERY SELECT Id AS EarningId, InvoiceId, PartnerNet, PayoutId FROM PartnerEarnings WHERE PartnerId = '$(upper "$PID")' ORDER BY CreatedAt;"
  ck B4 "payout row: Owed, 18060 USD, not approved, not paid" "Owed 18060 USD - -" \
    "$(sql_values Status) $(sql_values Amount) $(sql_values Currency) $(sql_values ApprovedAt | sed 's/^$/-/') $(sql_values PaidAt | sed 's/^$/-/')"
  ck B4 "both earnings now carry the payout id; their nets sum to the amount" "$(upper "$PAYOUT"),$(upper "$PAYOUT") 18060" \
    "$(sql_values PayoutId | joined) $(sql_values PartnerNet | awk '{ s += $1 } END { print s }')"

  md "### A9 · approve payout" ""
  api "A9 · approve payout" ADMIN POST "/api/partners/$PID/payouts/$PAYOUT/approve"
  ck A9 "approve → 200 approved with approvedAt" "200 approved true" "$STATUS $(jq -r '"\(.status) \(.approvedAt != null)"' <<<"$BODY")"
  sql "B5 · PartnerPayouts after approval" "$PAYOUT_QUERY"
  ck B5 "payout row: Approved, ApprovedAt set, PaidAt empty" "Approved set -" \
    "$(sql_values Status) $([[ -n $(sql_values ApprovedAt) ]] && echo set || echo -) $(sql_values PaidAt | sed 's/^$/-/')"

  md "### A10 · mark payout paid" ""
  api "A10 · mark payout paid" ADMIN POST "/api/partners/$PID/payouts/$PAYOUT/mark-paid" '{"reference":"WIRE-PROOF-0001"}'
  ck A10 "mark-paid → 200 paid with paidAt and the reference" "200 paid true WIRE-PROOF-0001" \
    "$STATUS $(jq -r '"\(.status) \(.paidAt != null) \(.reference)"' <<<"$BODY")"
  sql "B6 · PartnerPayouts after payment" "$PAYOUT_QUERY"
  ck B6 "payout row: Paid, ApprovedAt and PaidAt set, reference stored" "Paid set set WIRE-PROOF-0001" \
    "$(sql_values Status) $([[ -n $(sql_values ApprovedAt) ]] && echo set || echo -) $([[ -n $(sql_values PaidAt) ]] && echo set || echo -) $(sql_values Reference)"
  api "A10 · payouts list (platform admin)" ADMIN GET "/api/partners/$PID/payouts"
  ck A10 "payouts list shows it paid" "200 $PAYOUT paid" "$STATUS $(jq -r '[.items[] | "\(.id) \(.status)"] | join(",")' <<<"$BODY")"
  api "A10 · the partner's own view (/my/payouts)" ACME GET /api/partners/my/payouts
  ck A10 "/my/payouts shows it paid" "200 $PAYOUT paid" "$STATUS $(jq -r '[.items[] | "\(.id) \(.status)"] | join(",")' <<<"$BODY")"
  api "A10 · a second generation finds nothing owed" ADMIN POST "/api/partners/$PID/payouts/generate"
  ck A10 "generate again → 200 with no payouts" "200 0" "$STATUS $(jq '.payouts | length' <<<"$BODY")"

  # B7: the audit rows of the flow (before C and D add others)
  sql "B7 · audit rows of the flow" \
    "SELECT CreatedAt, Action, EntityType, EntityId, ActorUserId IS NULL AS BySystem, Data FROM AuditEvents WHERE Action LIKE 'PARTNER_%' OR EntityId IN ('$(upper "$INV1")', '$(upper "$INV2")') ORDER BY CreatedAt, Id;"
  ck B7 "audit: PARTNER_APPLIED, PARTNER_APPROVED, PARTNER_LISTING_CREATED once each" "1 1 1" \
    "$(sql_count Action PARTNER_APPLIED) $(sql_count Action PARTNER_APPROVED) $(sql_count Action PARTNER_LISTING_CREATED)"
  ck B7 "audit: INVOICE_PAID twice, PARTNER_EARNING_ACCRUED twice (no duplicate after re-delivery)" "2 2" \
    "$(sql_count Action INVOICE_PAID) $(sql_count Action PARTNER_EARNING_ACCRUED)"
  ck B7 "audit: PARTNER_PAYOUT_GENERATED, _APPROVED, _PAID once each" "1 1 1" \
    "$(sql_count Action PARTNER_PAYOUT_GENERATED) $(sql_count Action PARTNER_PAYOUT_APPROVED) $(sql_count Action PARTNER_PAYOUT_PAID)"

  # ============================================================ C) staff → 403
  SECTION=C
  SQL_SECTION=C
  md "Staff of the platform tenant (\`STAFF\` = staff@platform.example) and of the partner's own tenant" \
    "(\`ACME_STAFF\` = staff@acme.example) call every admin endpoint. Targets are real: the approved partner," \
    "its listing and paid payout, and a fresh open invoice (3)." ""
  call POST "/api/marketplace/items/$ITEM/install" "$GLOBEX"
  INV3=$(jq -r '.invoice.id // empty' <<<"$BODY")
  sql "C0 · state before the staff calls" \
    "SELECT (SELECT count(*) FROM AuditEvents) AS AuditRows, (SELECT Status FROM PartnerAccounts WHERE Id = '$(upper "$PID")') AS Partner, (SELECT count(*) FROM PartnerListings WHERE PartnerId = '$(upper "$PID")') AS Listings, (SELECT group_concat(Status) FROM PartnerPayouts WHERE PartnerId = '$(upper "$PID")') AS Payouts, (SELECT Status FROM Invoices WHERE Id = '$(upper "$INV3")') AS Invoice3;"
  BEFORE="$(sql_values AuditRows) $(sql_values Partner) $(sql_values Listings) $(sql_values Payouts) $(sql_values Invoice3)"
  ck C0 "before: partner approved, 1 listing, payout paid, invoice 3 open" "Approved 1 Paid Open" "${BEFORE#* }"
  for who in STAFF ACME_STAFF; do
    md "#### $who" ""
    api "C · $who GET /api/partners" "$who" GET /api/partners
    ck C "$who: GET /api/partners → 403" 403 "$STATUS"
    api "C · $who approve partner" "$who" POST "/api/partners/$PID/approve"
    ck C "$who: POST /api/partners/{id}/approve → 403" 403 "$STATUS"
    api "C · $who suspend partner" "$who" POST "/api/partners/$PID/suspend" '{"reason":"staff try"}'
    ck C "$who: POST /api/partners/{id}/suspend → 403" 403 "$STATUS"
    api "C · $who create listing" "$who" POST "/api/partners/$PID/listings" \
      "{\"marketplaceItemId\":\"$ITEM\",\"commissionType\":\"percent\",\"commissionValue\":1}"
    ck C "$who: POST /api/partners/{id}/listings → 403" 403 "$STATUS"
    api "C · $who generate payouts" "$who" POST "/api/partners/$PID/payouts/generate"
    ck C "$who: POST /api/partners/{id}/payouts/generate → 403" 403 "$STATUS"
    api "C · $who approve payout" "$who" POST "/api/partners/$PID/payouts/$PAYOUT/approve"
    ck C "$who: POST /api/partners/{id}/payouts/{pid}/approve → 403" 403 "$STATUS"
    api "C · $who mark payout paid" "$who" POST "/api/partners/$PID/payouts/$PAYOUT/mark-paid" '{"reference":"staff try"}'
    ck C "$who: POST /api/partners/{id}/payouts/{pid}/mark-paid → 403" 403 "$STATUS"
    api "C · $who mark invoice 3 paid" "$who" POST "/api/billing/invoices/$INV3/mark-paid" '{"reference":"staff try"}'
    ck C "$who: POST /api/billing/invoices/{id}/mark-paid → 403" 403 "$STATUS"
  done
  sql "C9 · state after the staff calls" \
    "SELECT (SELECT count(*) FROM AuditEvents) AS AuditRows, (SELECT Status FROM PartnerAccounts WHERE Id = '$(upper "$PID")') AS Partner, (SELECT count(*) FROM PartnerListings WHERE PartnerId = '$(upper "$PID")') AS Listings, (SELECT group_concat(Status) FROM PartnerPayouts WHERE PartnerId = '$(upper "$PID")') AS Payouts, (SELECT Status FROM Invoices WHERE Id = '$(upper "$INV3")') AS Invoice3;"
  ck C9 "the refused calls wrote nothing (audit rows, partner, listings, payout, invoice 3 unchanged)" "$BEFORE" \
    "$(sql_values AuditRows) $(sql_values Partner) $(sql_values Listings) $(sql_values Payouts) $(sql_values Invoice3)"

  # ============================================================ D) regression
  SECTION=D
  echo "proof: running scripts/smoke.sh and scripts/verify.sh"
  smoke_out=$(bash scripts/smoke.sh 2>&1)
  smoke_exit=$?
  md "### D1 · scripts/smoke.sh, full output" "" '```console' "\$ BASE_URL=$BASE_URL scripts/smoke.sh; echo \"exit code: \$?\"" \
    "$smoke_out" "exit code: $smoke_exit" '```' ""
  ck D1 "smoke.sh: every check passes, exit 0" "0 failed, exit 0" \
    "$(tail -n 1 <<<"$smoke_out" | sed -n 's/^[0-9]* passed, \([0-9]*\) failed$/\1 failed/p'), exit $smoke_exit"
  verify_out=$(bash scripts/verify.sh 2>&1)
  verify_exit=$?
  md "### D2 · scripts/verify.sh, last 40 lines" "" '```console' "\$ BASE_URL=$BASE_URL scripts/verify.sh | tail -n 40; echo \"exit code: \${PIPESTATUS[0]}\"" \
    "$(tail -n 40 <<<"$verify_out")" "exit code: $verify_exit" '```' ""
  ck D2 "verify.sh: every check passes, exit 0" "0 failed, exit 0" \
    "$(tail -n 1 <<<"$verify_out" | sed -n 's/^[0-9]* passed, \([0-9]*\) failed$/\1 failed/p'), exit $verify_exit"
  verify2_out=$(bash scripts/verify.sh 2>&1)
  verify2_exit=$?
  md "### D3 · scripts/verify.sh again against the same server (re-runnable), last 3 lines" "" '```console' \
    "\$ BASE_URL=$BASE_URL scripts/verify.sh | tail -n 3; echo \"exit code: \${PIPESTATUS[0]}\"" \
    "$(tail -n 3 <<<"$verify2_out")" "exit code: $verify2_exit" '```' ""
  ck D3 "verify.sh a second time against the same server: every check passes, exit 0" "0 failed, exit 0" \
    "$(tail -n 1 <<<"$verify2_out" | sed -n 's/^[0-9]* passed, \([0-9]*\) failed$/\1 failed/p'), exit $verify2_exit"
fi

stop_server

# ============================================================ E) artifacts
PARTNER_PATHS=(PartnerWeb/Features/Partners PartnerWeb/Domain/Partners.cs 'PartnerWeb/Domain/Commission*.cs'
  'PartnerWeb/Data/Migrations/Sqlite/*_Partners*.cs' 'PartnerWeb/Data/Migrations/SqlServer/*_Partners*.cs')
git_status=$(git status 2>&1)
partner_files=$(git log --name-only --format= -- "${PARTNER_PATHS[@]}" 2>/dev/null | sed '/^$/d' | sort -u)
partner_commits=$(git log --reverse --format=%H -- "${PARTNER_PATHS[@]}" 2>/dev/null)
first_partner_commit=$(head -n 1 <<<"$partner_commits")
partner_log=$(git log --stat=200 --format='commit %h  %ad  %s' --date=short -- "${PARTNER_PATHS[@]}" 2>&1)
partner_diffstat=""
[[ -n $first_partner_commit ]] && partner_diffstat=$(git diff --stat=200 "$first_partner_commit^" HEAD -- "${PARTNER_PATHS[@]}" 2>&1)
ck E "git status and the partner files are readable" "0 0" \
  "$(git status >/dev/null 2>&1; echo $?) $(git rev-parse --verify -q HEAD >/dev/null; echo $?)"
ck E "partner work: files under Features/Partners, Domain/Partners.cs, Domain/Commission*.cs, Partners migrations" "yes yes yes yes" \
  "$(grep -q '^PartnerWeb/Features/Partners/' <<<"$partner_files" && echo yes || echo no) $(grep -qx 'PartnerWeb/Domain/Partners.cs' <<<"$partner_files" && echo yes || echo no) $(grep -q '^PartnerWeb/Domain/Commission' <<<"$partner_files" && echo yes || echo no) $(grep -q '^PartnerWeb/Data/Migrations/.*_Partners' <<<"$partner_files" && echo yes || echo no)"

# ---------------------------------------------------------------- the report
passed=$(awk -F'\t' '$5=="PASS"' "$CHECKS" | wc -l | tr -d ' ')
failed=$(awk -F'\t' '$5=="FAIL"' "$CHECKS" | wc -l | tr -d ' ')
cell() { sed -e 's/|/\\|/g' -e 's/`//g' <<<"${1:0:160}"; }
REPORT="$WORK/report.md"
{
  echo "# Step 22 proof pack: partner ecosystem"
  echo
  echo "Generated $GENERATED_AT by \`scripts/proof.sh\` at commit \`$COMMIT\` ($COMMIT_SUBJECT);"
  if [[ $DIRTY == 0 ]]; then echo "working tree clean."; else echo "working tree with $DIRTY uncommitted change(s) (see E)."; fi
  echo "Server: a throw-away PartnerWeb (Release) on a fresh SQLite database with the demo seed,"
  echo "\`BASE_URL=${BASE_URL:-not started}\`. Each row is computed by the script from the raw output under the heading with the same id."
  echo
  echo "**Result: $passed passed, $failed failed.**"
  echo
  echo "| check | expected | observed | PASS/FAIL |"
  echo "|---|---|---|---|"
  while IFS=$'\t' read -r id name expected observed result; do
    echo "| $(cell "$id · $name") | $(cell "$expected") | $(cell "$observed") | $result |"
  done <"$CHECKS"
  echo
  echo "## A) curl: apply → approve → listing → invoice paid (Stripe and manual) → earnings → payout → approve → paid"
  echo
  cat "$WORK/A.md"
  echo "## B) database rows (sqlite3)"
  echo
  cat "$WORK/B.md"
  echo "## C) RBAC: staff tokens get 403 on admin endpoints"
  echo
  cat "$WORK/C.md"
  echo "## D) regression: smoke.sh and verify.sh against the same server"
  echo
  cat "$WORK/D.md"
} >"$REPORT"
{
  echo "## E) artifacts"
  echo
  echo "### E1 · the first 40 lines of this report"
  echo
  echo '````markdown'
  head -n 40 "$REPORT"
  echo '````'
  echo
  echo "### E2 · git status (when the report was generated)"
  echo
  echo '```console'
  echo '$ git status'
  echo "$git_status"
  echo '```'
  echo
  echo "### E3 · files of the partner work"
  echo
  echo "Paths: \`PartnerWeb/Features/Partners\`, \`PartnerWeb/Domain/Partners.cs\`, \`PartnerWeb/Domain/Commission*.cs\`, the \`Partners\` migrations of both providers."
  echo
  echo '```console'
  echo "\$ git log --name-only --format= -- ${PARTNER_PATHS[*]} | sort -u"
  echo "$partner_files"
  echo
  echo "\$ git diff --stat=200 ${first_partner_commit:0:7}^ HEAD -- ${PARTNER_PATHS[*]}"
  echo "$partner_diffstat"
  echo
  echo "\$ git log --stat=200 --format='commit %h  %ad  %s' --date=short -- ${PARTNER_PATHS[*]}"
  echo "$partner_log"
  echo '```'
  echo
  echo "The commits that touched those paths, with every file they changed:"
  echo
  echo '```console'
  for c in $partner_commits; do echo "\$ git show --stat=200 --format='commit %h  %s' ${c:0:7}"; git show --stat=200 --format='commit %h  %s' "$c" 2>&1; echo; done
  echo '```'
} >>"$REPORT"

mkdir -p "$(dirname "$OUT")"
cp "$REPORT" "$OUT"
echo "proof: report written to $OUT"
echo "$passed passed, $failed failed"
[[ $failed -eq 0 && $passed -gt 0 ]]

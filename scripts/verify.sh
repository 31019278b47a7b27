#!/usr/bin/env bash
# Verification against a running server (BASE_URL, default http://127.0.0.1:5080): everything
# scripts/smoke.sh checks (its lines are included and counted), then smoke-level checks of every
# partner endpoint group (spec §8, §9): apply (payout preferences per method, hidden characters refused),
# me, PATCH of contact email and payout preferences, list with status filter, approve/suspend, listings
# create/patch/list, earnings with totals, payouts generate/approve/mark-paid/list, /my/earnings,
# /my/payouts, the Stripe payout state and onboarding refusals, and staff tokens → 403.
# One PASS/FAIL line per check; ends with "N passed, N failed"; exits non-zero when any check fails.
#
# Re-runnable against the same server: every run creates its own tenant (a child tenant of the demo
# reseller Umbrella), so it never meets a partner account an earlier run made. Calls that count
# against a rate limit (logins, partner writes) wait out a 429 with Retry-After and try again.
# Stripe events are signed with STRIPE_WEBHOOK_SECRET, as in smoke.sh.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/http.sh

# --- everything smoke.sh checks
smoke_out=$(bash scripts/smoke.sh 2>&1)
smoke_exit=$?
grep -vE '^[0-9]+ passed, [0-9]+ failed$' <<<"$smoke_out"
PASS_COUNT=$(grep -c '^PASS ' <<<"$smoke_out")
FAIL_COUNT=$(grep -c '^FAIL ' <<<"$smoke_out")
if [[ $smoke_exit -ne 0 && $FAIL_COUNT -eq 0 ]]; then
  # smoke stopped without saying which check failed: that is a failure too.
  check "smoke.sh exits 0" 0 "$smoke_exit"
fi

run=$(date +%s)-$RANDOM
today=$(date -u +%F)
yesterday=$(date -u -d '-1 day' +%F 2>/dev/null || date -u +%F)
tomorrow=$(date -u -d '+1 day' +%F 2>/dev/null || date -u +%F)
NIL=00000000-0000-0000-0000-000000000000

# Tokens. owner@platform.example does most of the partner administration and admin@platform.example
# (which smoke.sh signs in as) the rest, so three runs within one minute stay inside the per-user
# login and partner-write windows (10 a minute each by default). One run signs in 13 times, so the third
# run within a minute meets the per-IP login window (30): its sign-ins wait out the 429 (call_patiently).
ADMIN=$(token_for owner@platform.example)
ADMIN2=$(token_for admin@platform.example)
STAFF=$(token_for staff@platform.example)
GLOBEX=$(token_for owner@globex.example)
GLOBEX_STAFF=$(token_for staff@globex.example)
UMBRELLA=$(token_for owner@umbrella.example)
check "partner checks: platform owner, admin, staff and customer tokens" true \
  "$([[ -n $ADMIN && -n $ADMIN2 && -n $STAFF && -n $GLOBEX && -n $GLOBEX_STAFF && -n $UMBRELLA ]] && echo true || echo false)"

# --- a fresh tenant for this run's partner (child tenant of the reseller)
P_EMAIL="partner-owner-$run@verify.example"
P_NAME="Verify Partner $run"
call_patiently POST /api/resellers/me/tenants "$UMBRELLA" \
  "{\"name\":\"$P_NAME\",\"ownerEmail\":\"$P_EMAIL\",\"ownerPassword\":\"Reseller-chosen!1\"}"
check "partners: a fresh tenant for this run" 201 "$STATUS"
P_TENANT=$(jq -r '.tenant.id // empty' <<<"$BODY")
call_patiently POST /api/auth/token "" "{\"email\":\"$P_EMAIL\",\"password\":\"Reseller-chosen!1\"}"
check "partners: the fresh tenant's owner signs in" "200 owner" "$STATUS $(jq -r '.user.role' <<<"$BODY")"
# The reseller chose that password: the owner sets their own before anything else.
call_patiently POST /api/auth/password "$(jq -r '.accessToken // empty' <<<"$BODY")" '{"currentPassword":"Reseller-chosen!1","newPassword":"Verify-owner-own!1"}'
OWNER=$(jq -r '.accessToken // empty' <<<"$BODY")
check "partners: the fresh tenant's owner sets their own password" 200 "$STATUS"

# --- me and /my/* before applying
call GET /api/partners/me "$OWNER"
check "partners me: no account yet is 404" 404 "$STATUS"
call GET /api/partners/my/earnings "$OWNER"
check "partners my/earnings: no account yet is 404" 404 "$STATUS"
call GET /api/partners/my/payouts "$OWNER"
check "partners my/payouts: no account yet is 404" 404 "$STATUS"

# --- apply
APPLY="{\"displayName\":\"  $P_NAME  \",\"contactEmail\":\"payouts-$run@verify.example\",\"country\":\"us\",\"payoutPreferences\":{\"method\":\"bank_transfer\",\"accountHolder\":\"Verify Partner Ltd\",\"iban\":\"DE89 3704 0044 0532 0130 00\"}}"
call_patiently POST /api/partners/apply "$OWNER" '{"displayName":"X","contactEmail":"x@verify.example","country":"USA","payoutPreferences":{"method":"stripe_connect"}}'
check "partners apply: a three-letter country is 400" "400 country" "$STATUS $(jq -r '.errors | keys | join(",")' <<<"$BODY")"
call_patiently POST /api/partners/apply "$OWNER" '{"displayName":"X","contactEmail":"x@verify.example","country":"US","payoutPreferences":{}}'
check "partners apply: payout preferences without method is 400" 400 "$STATUS"
# An IBAN written backwards behind a right-to-left override reads as the real one; a zero-width space hides in a name.
call_patiently POST /api/partners/apply "$OWNER" '{"displayName":"X","contactEmail":"x@verify.example","country":"US","payoutPreferences":{"method":"bank_transfer","accountHolder":"X Ltd","iban":"\u202e00031302350440407389ED"}}'
check "partners apply: an RLO-reversed IBAN is 400" "400 payoutPreferences.iban" "$STATUS $(jq -r '.errors | keys | join(",")' <<<"$BODY")"
call_patiently POST /api/partners/apply "$OWNER" '{"displayName":"Platform HQ\u200b","contactEmail":"x@verify.example","country":"US","payoutPreferences":{"method":"paypal","email":"x@verify.example"}}'
check "partners apply: a zero-width space in the display name is 400" "400 displayName" "$STATUS $(jq -r '.errors | keys | join(",")' <<<"$BODY")"
call_patiently POST /api/partners/apply "$OWNER" "$APPLY"
check "partners apply: owner applies, 201 pending" "201 pending" "$STATUS $(jq -r .status <<<"$BODY")"
PID=$(jq -r '.id // empty' <<<"$BODY")
check "partners apply: trimmed name, upper-case country, own tenant" "$P_NAME US $P_TENANT" \
  "$(jq -r '"\(.displayName) \(.country) \(.tenantId)"' <<<"$BODY")"
call_patiently POST /api/partners/apply "$OWNER" "$APPLY"
check "partners apply: a second application of the tenant is 409" 409 "$STATUS"
call_patiently POST /api/partners/apply "$ADMIN2" "$APPLY"
check "partners apply: the platform tenant may not apply (403)" 403 "$STATUS"
call POST /api/partners/apply "$GLOBEX_STAFF" "$APPLY"
check "partners apply: staff may not apply (403)" 403 "$STATUS"
call POST /api/partners/apply "" "$APPLY"
check "partners apply: no token is 401" 401 "$STATUS"

# --- me, get
call GET /api/partners/me "$OWNER"
check "partners me: own account, pending" "200 $PID pending" "$STATUS $(jq -r '"\(.id) \(.status)"' <<<"$BODY")"
call GET "/api/partners/$PID" "$ADMIN"
check "partners get: platform admin reads the account" "200 $PID" "$STATUS $(jq -r .id <<<"$BODY")"
call GET "/api/partners/$PID" "$OWNER"
check "partners get: partner self reads its account" 200 "$STATUS"
check "partners get: payout preferences stored per method, IBAN without spaces" "bank_transfer DE89370400440532013000" \
  "$(jq -r '.payoutPreferences | "\(.method) \(.iban)"' <<<"$BODY")"
call GET "/api/partners/$PID" "$GLOBEX"
check "partners get: another tenant's partner is 404" 404 "$STATUS"

# --- the partner changes its contact email and payout preferences
call_patiently PATCH "/api/partners/$PID" "$OWNER" '{"contactEmail":"billing-'"$run"'@verify.example","payoutPreferences":{"method":"bank_transfer","accountHolder":"Verify Partner Ltd","iban":"GB82 WEST 1234 5698 7654 32"}}'
check "partners patch: the partner changes contact email and bank account" "200 billing-$run@verify.example GB82WEST12345698765432" \
  "$STATUS $(jq -r '"\(.contactEmail) \(.payoutPreferences.iban)"' <<<"$BODY")"
call_patiently PATCH "/api/partners/$PID" "$OWNER" '{"payoutPreferences":{"method":"bank_transfer","accountHolder":"Verify\u2067 Ltd","iban":"DE89370400440532013000"}}'
check "partners patch: a bidi isolate in the account holder is 400" "400 payoutPreferences.accountHolder" "$STATUS $(jq -r '.errors | keys | join(",")' <<<"$BODY")"
call_patiently PATCH "/api/partners/$PID" "$OWNER" '{"payoutPreferences":{"method":"bank_transfer","accountHolder":"Verify Ltd","iban":"DE89370400440532013000","bic":"X"}}'
check "partners patch: an unknown key is 400" 400 "$STATUS"
call PATCH "/api/partners/$PID" "$GLOBEX" '{"contactEmail":"takeover@verify.example"}'
check "partners patch: another tenant's partner is 404" 404 "$STATUS"

# --- payouts with Stripe (issue 16): what holds whether or not this server has a Stripe key
call GET "/api/partners/$PID/stripe" "$OWNER"
check "partners stripe: no connected account yet" "200 none" "$STATUS $(jq -r .state <<<"$BODY")"
call POST "/api/partners/$PID/stripe/onboarding" "$OWNER"
check "partners stripe onboarding: a pending partner must wait (409)" 409 "$STATUS"
call GET "/api/partners/$PID/stripe" "$GLOBEX"
check "partners stripe: another tenant's partner is 404" 404 "$STATUS"
call POST "/api/partners/$PID/stripe/onboarding" "$STAFF"
check "partners stripe onboarding: platform staff is 403" 403 "$STATUS"

# --- list with status filter
Q=$(jq -rn --arg q "$P_NAME" '$q|@uri')
call GET "/api/partners?status=pending&q=$Q" "$ADMIN"
check "partners list: ?status=pending finds the new partner" "200 1 pending" \
  "$STATUS $(jq -r --arg id "$PID" '[.items[] | select(.id==$id)] | "\(length) \(.[0].status)"' <<<"$BODY")"
call GET "/api/partners?status=approved&q=$Q" "$ADMIN"
check "partners list: ?status=approved does not list it yet" "200 0" \
  "$STATUS $(jq -r --arg id "$PID" '[.items[] | select(.id==$id)] | length' <<<"$BODY")"
call GET "/api/partners?status=pending&limit=200" "$ADMIN"
check "partners list: every item matches the status filter" true \
  "$(jq '[.items[].status] | all(. == "pending")' <<<"$BODY")"
call GET "/api/partners?status=nonsense" "$ADMIN"
check "partners list: an unknown status is 400" 400 "$STATUS"
call GET /api/partners "$OWNER"
check "partners list: a partner may not list partners (403)" 403 "$STATUS"

# --- publishing needs approval; approve / suspend
call POST /api/marketplace/items "$OWNER" "{\"name\":\"Verify Add-on $run\",\"type\":\"addon\",\"price\":10000,\"currency\":\"USD\"}"
check "partners: a pending partner may not publish items (403)" 403 "$STATUS"
call POST "/api/partners/$PID/approve" "$OWNER"
check "partners approve: the partner may not approve itself (403)" 403 "$STATUS"
call POST "/api/partners/$PID/approve" "$ADMIN"
check "partners approve: pending → approved" "200 approved" "$STATUS $(jq -r .status <<<"$BODY")"
call POST "/api/partners/$PID/approve" "$ADMIN"
check "partners approve: approving again is 409" 409 "$STATUS"
call POST "/api/partners/$NIL/approve" "$ADMIN"
check "partners approve: an unknown partner is 404" 404 "$STATUS"
call GET "/api/partners?status=approved&q=$Q" "$ADMIN"
check "partners list: ?status=approved now lists it" 1 \
  "$(jq -r --arg id "$PID" '[.items[] | select(.id==$id)] | length' <<<"$BODY")"

# --- the approved partner publishes two items of its own
call POST /api/marketplace/items "$OWNER" "{\"name\":\"Verify Add-on $run\",\"type\":\"addon\",\"price\":10000,\"currency\":\"USD\"}"
check "partners: the approved partner publishes an item" "201 $P_TENANT" "$STATUS $(jq -r .publisherTenantId <<<"$BODY")"
ITEM_USD=$(jq -r '.id // empty' <<<"$BODY")
call POST /api/marketplace/items "$OWNER" "{\"name\":\"Verify Service $run\",\"type\":\"service\",\"price\":5000,\"currency\":\"eur\"}"
check "partners: and a second one in EUR" "201 EUR" "$STATUS $(jq -r .currency <<<"$BODY")"
ITEM_EUR=$(jq -r '.id // empty' <<<"$BODY")

# --- listings create / patch / list
call_patiently POST "/api/partners/$PID/listings" "$OWNER" "{\"marketplaceItemId\":\"$ITEM_USD\",\"commissionType\":\"percent\",\"commissionValue\":5}"
check "partners listings: the partner may not set commission (403)" 403 "$STATUS"
call GET "/api/marketplace/items?limit=200" "$OWNER"
PLATFORM_ITEM=$(jq -r '[.items[] | select(.name=="Starter Landing Template")][0].id // empty' <<<"$BODY")
call_patiently POST "/api/partners/$PID/listings" "$OWNER" "{\"marketplaceItemId\":\"$PLATFORM_ITEM\"}"
check "partners listings: the partner may not list another tenant's item (403)" 403 "$STATUS"
call_patiently POST "/api/partners/$PID/listings" "$OWNER" "{\"marketplaceItemId\":\"$ITEM_USD\"}"
check "partners listings: the partner lists its own item at the default commission" "201 active percent 30" \
  "$STATUS $(jq -r '"\(.status) \(.commissionType) \(.commissionValue)"' <<<"$BODY")"
LISTING_USD=$(jq -r '.id // empty' <<<"$BODY")
call_patiently POST "/api/partners/$PID/listings" "$OWNER" "{\"marketplaceItemId\":\"$ITEM_USD\"}"
check "partners listings: listing the same item again is 409" 409 "$STATUS"
call_patiently POST "/api/partners/$PID/listings" "$ADMIN2" "{\"marketplaceItemId\":\"$ITEM_EUR\",\"commissionType\":\"percent\",\"commissionValue\":100.001}"
check "partners listings: a percent with three decimals is 400" 400 "$STATUS"
call_patiently POST "/api/partners/$PID/listings" "$ADMIN" "{\"marketplaceItemId\":\"$ITEM_EUR\",\"commissionType\":\"fixed\",\"commissionValue\":700}"
check "partners listings: platform admin lists an item with a fixed commission" "201 fixed 700" \
  "$STATUS $(jq -r '"\(.commissionType) \(.commissionValue)"' <<<"$BODY")"
LISTING_EUR=$(jq -r '.id // empty' <<<"$BODY")

call PATCH "/api/partners/$PID/listings/$LISTING_USD" "$OWNER" '{"commissionValue":10}'
check "partners listings patch: the partner may not change commission (403)" 403 "$STATUS"
call PATCH "/api/partners/$PID/listings/$LISTING_USD" "$OWNER" '{"status":"paused"}'
check "partners listings patch: the partner pauses its listing" "200 paused" "$STATUS $(jq -r .status <<<"$BODY")"
call POST "/api/marketplace/items/$ITEM_USD/install" "$GLOBEX"
check "partners listings: a paused listing's item cannot be installed (409)" 409 "$STATUS"
call PATCH "/api/partners/$PID/listings/$LISTING_USD" "$OWNER" '{"status":"active"}'
check "partners listings patch: and resumes it" "200 active" "$STATUS $(jq -r .status <<<"$BODY")"
call PATCH "/api/partners/$PID/listings/$LISTING_EUR" "$ADMIN" '{"commissionValue":800}'
check "partners listings patch: platform admin changes the commission" "200 fixed 800" \
  "$STATUS $(jq -r '"\(.commissionType) \(.commissionValue)"' <<<"$BODY")"
call PATCH "/api/partners/$PID/listings/$LISTING_EUR" "$ADMIN" '{"commissionValue":700}'
check "partners listings patch: and back" "200 700" "$STATUS $(jq -r .commissionValue <<<"$BODY")"
call PATCH "/api/partners/$PID/listings/$NIL" "$OWNER" '{"status":"paused"}'
check "partners listings patch: an unknown listing is 404" 404 "$STATUS"
call GET "/api/partners/$PID/listings" "$OWNER"
check "partners listings list: the partner sees its two listings" "200 2" "$STATUS $(jq '.items | length' <<<"$BODY")"
call GET "/api/partners/$PID/listings" "$ADMIN"
check "partners listings list: platform admin sees them" "200 2" "$STATUS $(jq '.items | length' <<<"$BODY")"
call GET "/api/partners/$PID/listings" "$GLOBEX"
check "partners listings list: another tenant gets 404" 404 "$STATUS"

# --- invoices paid (Stripe for one, manual for the other), earnings accrue
call POST "/api/marketplace/items/$ITEM_USD/install" "$GLOBEX"
check "partners: customer installs the USD item (open invoice)" "201 open 10000 USD" \
  "$STATUS $(jq -r '.invoice | "\(.status) \(.total) \(.currency)"' <<<"$BODY")"
INV_USD=$(jq -r '.invoice.id // empty' <<<"$BODY")
call POST "/api/marketplace/items/$ITEM_EUR/install" "$GLOBEX"
INV_EUR=$(jq -r '.invoice.id // empty' <<<"$BODY")
check "partners: customer installs the EUR item (open invoice)" "201 open 5000 EUR" \
  "$STATUS $(jq -r '.invoice | "\(.status) \(.total) \(.currency)"' <<<"$BODY")"

EVENT=$(stripe_event "evt_verify_$run" invoice.paid "{\"object\":\"invoice\",\"id\":\"in_verify_$run\",\"amount_paid\":10000,\"currency\":\"usd\",\"metadata\":{\"invoiceId\":\"$INV_USD\"}}")
post_webhook "$EVENT"
check "partners: signed invoice.paid pays the USD invoice" "200 paid" "$STATUS $(jq -r .outcome <<<"$BODY")"
call POST "/api/billing/invoices/$INV_EUR/mark-paid" "$ADMIN" "{\"reference\":\"verify-$run\"}"
check "partners: platform admin marks the EUR invoice paid" "200 paid manual" \
  "$STATUS $(jq -r '"\(.status) \(.paymentMethod)"' <<<"$BODY")"

earnings_accrued() {
  call GET "/api/partners/$PID/earnings" "$ADMIN"
  [[ $(jq '.items | length' <<<"$BODY" 2>/dev/null) == 2 ]]
}
wait_for earnings_accrued
check "partners earnings: one earning per paid invoice" "200 2" "$STATUS $(jq '.items | length' <<<"$BODY")"
check "partners earnings: USD 30% of 10000 → 3000 commission, 7000 net" "10000 3000 7000" \
  "$(jq -r --arg i "$INV_USD" '.items[] | select(.invoiceId==$i) | "\(.grossAmount) \(.commissionAmount) \(.partnerNet)"' <<<"$BODY")"
check "partners earnings: EUR fixed 700 of 5000 → 700 commission, 4300 net" "5000 700 4300" \
  "$(jq -r --arg i "$INV_EUR" '.items[] | select(.invoiceId==$i) | "\(.grossAmount) \(.commissionAmount) \(.partnerNet)"' <<<"$BODY")"
check "partners earnings: totals per currency" "EUR 1 5000 700 4300;USD 1 10000 3000 7000" \
  "$(jq -r '[.totals | sort_by(.currency)[] | "\(.currency) \(.count) \(.grossAmount) \(.commissionAmount) \(.partnerNet)"] | join(";")' <<<"$BODY")"
check "partners earnings: gross = commission + net for every earning" true \
  "$(jq '[.items[] | .grossAmount == .commissionAmount + .partnerNet] | all' <<<"$BODY")"

post_webhook "$EVENT"
check "partners: the same Stripe event again is a duplicate" "200 duplicate" "$STATUS $(jq -r .outcome <<<"$BODY")"
sleep 1
call GET "/api/partners/$PID/earnings" "$ADMIN"
check "partners earnings: still one earning for the re-delivered invoice" 1 \
  "$(jq --arg i "$INV_USD" '[.items[] | select(.invoiceId==$i)] | length' <<<"$BODY")"
call GET "/api/partners/$PID/earnings?from=$yesterday&to=$tomorrow" "$OWNER"
check "partners earnings: partner self, date filter around today" "200 2" "$STATUS $(jq '.items | length' <<<"$BODY")"
call GET "/api/partners/$PID/earnings?from=2000-01-01&to=2000-01-31" "$ADMIN"
check "partners earnings: a past range is empty with empty totals" "200 0 0" \
  "$STATUS $(jq '"\(.items | length) \(.totals | length)"' -r <<<"$BODY")"
call GET "/api/partners/$PID/earnings?from=$tomorrow&to=$yesterday" "$ADMIN"
check "partners earnings: from after to is 400" 400 "$STATUS"
call GET "/api/partners/$PID/earnings?from=yesterday" "$ADMIN"
check "partners earnings: a garbled date is 400" 400 "$STATUS"
call GET "/api/partners/$PID/earnings" "$GLOBEX"
check "partners earnings: another tenant gets 404" 404 "$STATUS"
call GET "/api/partners/my/earnings" "$OWNER"
check "partners my/earnings: the partner's earnings and totals" "200 2 2" \
  "$STATUS $(jq -r '"\(.items | length) \(.totals | length)"' <<<"$BODY")"
call GET "/api/audit?action=PARTNER_EARNING_ACCRUED&limit=200" "$ADMIN"
check "partners audit: PARTNER_EARNING_ACCRUED once per invoice" "1 1" \
  "$(jq -r --arg a "$INV_USD" --arg b "$INV_EUR" '"\([.items[] | select(.data.invoiceId==$a)] | length) \([.items[] | select(.data.invoiceId==$b)] | length)"' <<<"$BODY")"

# --- suspend: payouts wait
call POST "/api/partners/$PID/suspend" "$ADMIN" '{"reason":"verify: payouts wait while suspended"}'
check "partners suspend: approved → suspended" "200 suspended" "$STATUS $(jq -r .status <<<"$BODY")"
call POST "/api/partners/$PID/suspend" "$ADMIN"
check "partners suspend: suspending again is 409" 409 "$STATUS"
call_patiently POST "/api/partners/$PID/payouts/generate" "$ADMIN"
check "partners payouts generate: a suspended partner's payouts wait (409)" 409 "$STATUS"
call POST "/api/partners/$PID/approve" "$ADMIN"
check "partners approve: suspended → approved" "200 approved" "$STATUS $(jq -r .status <<<"$BODY")"

# --- payouts generate / approve / mark-paid / list
call_patiently POST "/api/partners/$PID/payouts/generate" "$ADMIN"
check "partners payouts generate: one owed payout per currency (201)" "201 EUR 4300 owed;USD 7000 owed" \
  "$STATUS $(jq -r '[.payouts | sort_by(.currency)[] | "\(.currency) \(.amount) \(.status)"] | join(";")' <<<"$BODY")"
PAYOUT_USD=$(jq -r '.payouts[] | select(.currency=="USD") | .id' <<<"$BODY")
PAYOUT_EUR=$(jq -r '.payouts[] | select(.currency=="EUR") | .id' <<<"$BODY")
check "partners payouts generate: method and details snapshot the payout preferences" "bank_transfer GB82WEST12345698765432" \
  "$(jq -r '.payouts[0] | "\(.payoutMethod) \(.payoutDetails.iban)"' <<<"$BODY")"
call_patiently POST "/api/partners/$PID/payouts/generate" "$ADMIN2"
check "partners payouts generate: nothing owed any more is 200 with []" "200 0" "$STATUS $(jq '.payouts | length' <<<"$BODY")"
call GET "/api/partners/$PID/earnings" "$ADMIN"
check "partners earnings: every earning now belongs to a payout" true "$(jq '[.items[].payoutId != null] | all' <<<"$BODY")"

call POST "/api/partners/$PID/payouts/$PAYOUT_USD/mark-paid" "$ADMIN" '{"reference":"too-early"}'
check "partners payouts mark-paid: an owed payout cannot be paid (409)" 409 "$STATUS"
call POST "/api/partners/$PID/payouts/$PAYOUT_USD/approve" "$OWNER"
check "partners payouts approve: the partner may not approve (403)" 403 "$STATUS"
call POST "/api/partners/$PID/payouts/$PAYOUT_USD/approve" "$ADMIN"
check "partners payouts approve: owed → approved with approvedAt" "200 approved true" \
  "$STATUS $(jq -r '"\(.status) \(.approvedAt != null)"' <<<"$BODY")"
call POST "/api/partners/$PID/payouts/$PAYOUT_USD/approve" "$ADMIN"
check "partners payouts approve: approving again is 409" 409 "$STATUS"
call POST "/api/partners/$PID/payouts/$PAYOUT_USD/mark-paid" "$ADMIN" "{\"reference\":\"wire-$run\"}"
check "partners payouts mark-paid: approved → paid with paidAt and reference" "200 paid true wire-$run" \
  "$STATUS $(jq -r '"\(.status) \(.paidAt != null) \(.reference)"' <<<"$BODY")"
call POST "/api/partners/$PID/payouts/$PAYOUT_USD/mark-paid" "$ADMIN" '{}'
check "partners payouts mark-paid: paying again is 409" 409 "$STATUS"
call POST "/api/partners/$PID/payouts/$NIL/approve" "$ADMIN"
check "partners payouts approve: an unknown payout is 404" 404 "$STATUS"

call GET "/api/partners/$PID/payouts" "$ADMIN"
check "partners payouts list: both payouts" "200 2" "$STATUS $(jq '.items | length' <<<"$BODY")"
call GET "/api/partners/$PID/payouts?status=paid" "$ADMIN"
check "partners payouts list: ?status=paid is the USD payout" "200 $PAYOUT_USD" "$STATUS $(jq -r '[.items[].id] | join(",")' <<<"$BODY")"
call GET "/api/partners/$PID/payouts?status=owed" "$OWNER"
check "partners payouts list: partner self, ?status=owed is the EUR payout" "200 $PAYOUT_EUR" \
  "$STATUS $(jq -r '[.items[].id] | join(",")' <<<"$BODY")"
call GET "/api/partners/$PID/payouts" "$GLOBEX"
check "partners payouts list: another tenant gets 404" 404 "$STATUS"
call GET /api/partners/my/payouts "$OWNER"
check "partners my/payouts: the partner's two payouts" "200 EUR owed;USD paid" \
  "$STATUS $(jq -r '[.items | sort_by(.currency)[] | "\(.currency) \(.status)"] | join(";")' <<<"$BODY")"
call GET "/api/partners/my/payouts?status=paid" "$OWNER"
check "partners my/payouts: ?status=paid" 1 "$(jq '.items | length' <<<"$BODY")"

call GET "/api/audit?entityId=$PID&limit=200" "$ADMIN"
check "partners audit: the account's history" "PARTNER_APPLIED,PARTNER_UPDATED,PARTNER_APPROVED,PARTNER_SUSPENDED,PARTNER_APPROVED" \
  "$(jq -r '[.items | reverse[] | .action] | join(",")' <<<"$BODY")"
call GET "/api/audit?entityId=$PAYOUT_USD&limit=200" "$ADMIN"
check "partners audit: the USD payout's history" "PARTNER_PAYOUT_GENERATED,PARTNER_PAYOUT_APPROVED,PARTNER_PAYOUT_PAID" \
  "$(jq -r '[.items | reverse[] | .action] | join(",")' <<<"$BODY")"

# --- staff tokens → 403 on every partner endpoint group
staff_403() {
  local label=$1 method=$2 path=$3 data=${4:-}
  call "$method" "$path" "$STAFF" "$data"
  check "partners staff: platform staff $label is 403" 403 "$STATUS"
}
staff_403 "GET /api/partners" GET /api/partners
staff_403 "GET /api/partners/{id}" GET "/api/partners/$PID"
staff_403 "PATCH /api/partners/{id}" PATCH "/api/partners/$PID" '{"contactEmail":"staff@verify.example"}'
staff_403 "approve" POST "/api/partners/$PID/approve"
staff_403 "suspend" POST "/api/partners/$PID/suspend" '{"reason":"staff"}'
staff_403 "POST listings" POST "/api/partners/$PID/listings" "{\"marketplaceItemId\":\"$ITEM_USD\"}"
staff_403 "PATCH listing" PATCH "/api/partners/$PID/listings/$LISTING_USD" '{"status":"paused"}'
staff_403 "GET listings" GET "/api/partners/$PID/listings"
staff_403 "GET earnings" GET "/api/partners/$PID/earnings"
staff_403 "payouts generate" POST "/api/partners/$PID/payouts/generate"
staff_403 "payout approve" POST "/api/partners/$PID/payouts/$PAYOUT_EUR/approve"
staff_403 "payout mark-paid" POST "/api/partners/$PID/payouts/$PAYOUT_EUR/mark-paid" '{"reference":"staff"}'
staff_403 "GET payouts" GET "/api/partners/$PID/payouts"
staff_403 "invoice mark-paid" POST "/api/billing/invoices/$INV_USD/mark-paid" '{}'
call GET /api/partners/me "$GLOBEX_STAFF"
check "partners staff: customer staff GET /api/partners/me is 403" 403 "$STATUS"
call GET /api/partners/my/earnings "$GLOBEX_STAFF"
check "partners staff: customer staff GET /api/partners/my/earnings is 403" 403 "$STATUS"
call GET /api/partners/my/payouts "$GLOBEX_STAFF"
check "partners staff: customer staff GET /api/partners/my/payouts is 403" 403 "$STATUS"
call GET "/api/partners/$PID/payouts?status=owed" "$ADMIN"
check "partners staff: the refused calls changed nothing (EUR payout still owed)" "200 $PAYOUT_EUR" \
  "$STATUS $(jq -r '[.items[].id] | join(",")' <<<"$BODY")"
call GET "/api/partners/$PID" "$ADMIN"
check "partners staff: the refused calls changed nothing (partner still approved)" approved "$(jq -r .status <<<"$BODY")"

summary

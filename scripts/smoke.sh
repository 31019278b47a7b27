#!/usr/bin/env bash
# Smoke test of the existing platform against a running server (BASE_URL, default http://127.0.0.1:5080):
# auth, marketplace install, manual and Stripe payment, reseller commission.
# One PASS/FAIL line per check; exits non-zero when any check fails.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/http.sh

run=$(date +%s)-$RANDOM

# --- health and auth
call GET /healthz
check "healthz answers 200" 200 "$STATUS"

ADMIN=$(token_for admin@platform.example)
check "platform admin gets a token" true "$([[ -n $ADMIN ]] && echo true || echo false)"
call_patiently POST /api/auth/token "" '{"email":"admin@platform.example","password":"wrong"}'
check "wrong password is 401" 401 "$STATUS"
call GET /api/auth/me "$ADMIN"
check "me returns the platform admin" "admin@platform.example true" "$(jq -r '"\(.email) \(.isPlatformAdmin)"' <<<"$BODY")"
call GET /api/auth/me
check "me without a token is 401" 401 "$STATUS"

GLOBEX=$(token_for owner@globex.example)
GLOBEX_STAFF=$(token_for staff@globex.example)

# --- marketplace
call GET "/api/marketplace/items?limit=200" "$GLOBEX"
check "items list shows the demo template" 200 "$STATUS"
TEMPLATE_ID=$(jq -r '.items[] | select(.name=="Starter Landing Template") | .id' <<<"$BODY")
check "demo template costs 4900 USD" "4900 USD" "$(jq -r '.items[] | select(.name=="Starter Landing Template") | "\(.price) \(.currency)"' <<<"$BODY")"

call POST /api/marketplace/items "$ADMIN" "{\"name\":\"Smoke Service $run\",\"type\":\"service\",\"price\":2500,\"currency\":\"eur\"}"
check "platform admin publishes an item" 201 "$STATUS"
check "currency comes back upper-case" EUR "$(jq -r .currency <<<"$BODY")"
call POST /api/marketplace/items "$GLOBEX" '{"name":"Nope","type":"service","price":100,"currency":"USD"}'
check "a customer owner may not publish" 403 "$STATUS"
call POST /api/marketplace/items "$ADMIN" '{"name":"Bad","type":"service","price":-1,"currency":"USD"}'
check "negative price is 400" 400 "$STATUS"
call POST /api/marketplace/items "$ADMIN" '{"name":"Bad","type":"service","price":1.5,"currency":"USD"}'
check "fractional price is 400" 400 "$STATUS"
call POST /api/marketplace/items "$ADMIN" '{"name":"Bad","type":"service","price":100,"currency":"XYZ"}'
check "unknown currency is 400" 400 "$STATUS"
call POST /api/marketplace/items "$ADMIN" '{"name":"Bad","type":"gadget","price":100,"currency":"USD"}'
check "unknown item type is 400" 400 "$STATUS"

call POST "/api/marketplace/items/$TEMPLATE_ID/install" "$GLOBEX"
check "customer owner installs the template" 201 "$STATUS"
INVOICE_MANUAL=$(jq -r .invoice.id <<<"$BODY")
check "install opens an invoice for the price" "open 4900 USD" "$(jq -r '.invoice | "\(.status) \(.total) \(.currency)"' <<<"$BODY")"
call POST "/api/marketplace/items/00000000-0000-0000-0000-000000000000/install" "$GLOBEX"
check "installing a missing item is 404" 404 "$STATUS"
call POST "/api/marketplace/items/$TEMPLATE_ID/install" "$GLOBEX_STAFF"
check "staff may not install" 403 "$STATUS"
call GET /api/marketplace/installs "$GLOBEX"
check "installs list shows the install" true "$(jq --arg i "$INVOICE_MANUAL" '[.items[] | select(.invoiceId==$i)] | length == 1' <<<"$BODY")"

# --- manual payment
call POST "/api/billing/invoices/$INVOICE_MANUAL/mark-paid" "$GLOBEX" '{"reference":"x"}'
check "a customer may not approve a payment" 403 "$STATUS"
call POST "/api/billing/invoices/$INVOICE_MANUAL/mark-paid" "$ADMIN" '{"reference":"bank-transfer-42"}'
check "platform admin marks the invoice paid" "200 paid manual" "$STATUS $(jq -r '"\(.status) \(.paymentMethod)"' <<<"$BODY")"
call POST "/api/billing/invoices/$INVOICE_MANUAL/mark-paid" "$ADMIN" '{}'
check "marking it paid again is 409" 409 "$STATUS"

# --- Stripe payment
call POST "/api/marketplace/items/$TEMPLATE_ID/install" "$GLOBEX"
INVOICE_STRIPE=$(jq -r .invoice.id <<<"$BODY")
EVENT=$(stripe_event "evt_smoke_$run" invoice.paid "{\"object\":\"invoice\",\"id\":\"in_smoke_$run\",\"amount_paid\":4900,\"currency\":\"usd\",\"metadata\":{\"invoiceId\":\"$INVOICE_STRIPE\"}}")
post_webhook "$EVENT" "t=$(date +%s),v1=deadbeef"
check "webhook with a wrong signature is 400" 400 "$STATUS"
post_webhook "$EVENT" ""
check "webhook without a signature is 400" 400 "$STATUS"
post_webhook "$EVENT" "$(sign_stripe "$EVENT" $(( $(date +%s) - 400 )))"
check "webhook with a stale signature is 400" 400 "$STATUS"
call GET "/api/billing/invoices/$INVOICE_STRIPE" "$GLOBEX"
check "refused webhooks left the invoice open" open "$(jq -r .status <<<"$BODY")"

post_webhook "$EVENT"
check "signed invoice.paid is accepted" "200 paid" "$STATUS $(jq -r .outcome <<<"$BODY")"
post_webhook "$EVENT"
check "the same event again has no effect" "200 duplicate" "$STATUS $(jq -r .outcome <<<"$BODY")"
call GET "/api/billing/invoices/$INVOICE_STRIPE" "$GLOBEX"
check "invoice paid through Stripe" "paid stripe" "$(jq -r '"\(.status) \(.paymentMethod)"' <<<"$BODY")"

call POST "/api/marketplace/items/$TEMPLATE_ID/install" "$GLOBEX"
INVOICE_MISMATCH=$(jq -r .invoice.id <<<"$BODY")
EVENT=$(stripe_event "evt_smoke_mm_$run" payment_intent.succeeded "{\"object\":\"payment_intent\",\"id\":\"pi_smoke_$run\",\"amount_received\":100,\"currency\":\"usd\",\"metadata\":{\"invoiceId\":\"$INVOICE_MISMATCH\"}}")
post_webhook "$EVENT"
check "an underpayment is acknowledged as a mismatch" "200 mismatch" "$STATUS $(jq -r .outcome <<<"$BODY")"
call GET "/api/billing/invoices/$INVOICE_MISMATCH" "$GLOBEX"
check "the underpaid invoice stays open" open "$(jq -r .status <<<"$BODY")"
call GET "/api/audit?action=INVOICE_PAYMENT_MISMATCH&entityId=$INVOICE_MISMATCH" "$ADMIN"
check "the mismatch is audited" 1 "$(jq '.items | length' <<<"$BODY")"

# --- resellers
UMBRELLA=$(token_for owner@umbrella.example)
CHILD_EMAIL="owner-$run@child.example"
call POST /api/resellers/me/tenants "$UMBRELLA" "{\"name\":\"Smoke Child $run\",\"ownerEmail\":\"$CHILD_EMAIL\",\"ownerPassword\":\"Reseller-chosen!1\"}"
check "reseller creates a child tenant" 201 "$STATUS"
call POST /api/resellers/me/tenants "$GLOBEX" "{\"name\":\"Not Mine $run\",\"ownerEmail\":\"x-$run@x.example\",\"ownerPassword\":\"Reseller-chosen!1\"}"
check "a non-reseller has no reseller account (404)" 404 "$STATUS"
call_patiently POST /api/auth/token "" "{\"email\":\"$CHILD_EMAIL\",\"password\":\"Reseller-chosen!1\"}"
CHILD=$(jq -r .accessToken <<<"$BODY")
call GET "/api/marketplace/items" "$CHILD"
check "the child owner must choose a password first (403)" "403 Password change required" "$STATUS $(jq -r .title <<<"$BODY")"
call POST /api/auth/password "$CHILD" '{"currentPassword":"Reseller-chosen!1","newPassword":"Child-owner-own!1"}'
check "the child owner sets their own password" 200 "$STATUS"
CHILD=$(jq -r .accessToken <<<"$BODY")
call POST "/api/marketplace/items/$TEMPLATE_ID/install" "$CHILD"
INVOICE_CHILD=$(jq -r .invoice.id <<<"$BODY")
call POST "/api/billing/invoices/$INVOICE_CHILD/mark-paid" "$ADMIN" '{"reference":"child"}'
check "child tenant's invoice paid" 200 "$STATUS"
commission_for_child() {
  call GET "/api/resellers/me/commissions?limit=200" "$UMBRELLA"
  [[ $(jq --arg i "$INVOICE_CHILD" '[.items[] | select(.invoiceId==$i)] | length' <<<"$BODY") == 1 ]]
}
wait_for commission_for_child
check "exactly one reseller commission of 10% (490)" "1 490" "$(jq -r --arg i "$INVOICE_CHILD" '[.items[] | select(.invoiceId==$i)] | "\(length) \(.[0].amount)"' <<<"$BODY")"

call GET "/api/audit?action=INVOICE_PAID&entityId=$INVOICE_STRIPE" "$ADMIN"
check "the Stripe payment is audited once" 1 "$(jq '.items | length' <<<"$BODY")"
call GET "/api/audit" "$GLOBEX_STAFF"
check "staff may not read the audit" 403 "$STATUS"

summary

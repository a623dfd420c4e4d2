#!/usr/bin/env bash
# The README's tour of the API, run from start to end against a fresh Paydesk with its demo data
# (./run.sh). Every command the README shows stands here as it stands there — a test checks that
# and runs this script — so the README cannot drift from what works.
#
#   ./docs/tour.sh                          # Paydesk on localhost:5080
#   PAYDESK=127.0.0.1:5123 ./docs/tour.sh   # elsewhere
#
# It stops at the first answer that is not what the tour expects, and shows it.
set -euo pipefail
PAYDESK=${PAYDESK:-localhost:5080}

# Every curl of the tour goes through here: to $PAYDESK, and failing on an error status unless
# the step names the one it expects (EXPECT=400).
curl() {
  local args=() a out status
  for a in "$@"; do args+=("${a//localhost:5080/$PAYDESK}"); done
  out=$(command curl -sS -w '\n%{http_code}' "${args[@]}") || { echo "tour: no answer to: curl $*" >&2; exit 1; }
  status=${out##*$'\n'}
  printf '%s\n' "${out%$'\n'*}"
  if [ -n "${EXPECT:-}" ]; then
    [ "$status" = "$EXPECT" ] || { echo "tour: expected $EXPECT, got $status from: curl $*" >&2; exit 1; }
  elif [ "$status" -ge 400 ]; then
    echo "tour: $status from: curl $*" >&2; exit 1
  fi
}
step() { printf '\n== %s\n' "$*"; }
# Paying is done by the provider's notification, a moment later: wait until the order says so.
until_fulfilled() {
  for _ in $(seq 120); do
    curl -s -H "$K" "localhost:5080/api/v1/orders/$1" | grep -q '"status":"fulfilled"' && return 0
    sleep 0.25
  done
  echo "tour: order $1 was not fulfilled" >&2; exit 1
}

step "Catalog"
K='Authorization: Bearer sk_test_demo_clinic'
H='Content-Type: application/json'
curl -s -H "$K" localhost:5080/api/v1/plans
curl -s -H "$K" 'localhost:5080/api/v1/plans?limit=2'
CURSOR=$(curl -s -H "$K" 'localhost:5080/api/v1/plans?limit=2' | grep -o '"nextCursor":"[^"]*"' | cut -d'"' -f4)
curl -s -H "$K" "localhost:5080/api/v1/plans?limit=2&cursor=$CURSOR"
curl -s -H "$K" -H "$H" -H 'Idempotency-Key: 7d3c1e' \
  -d '{"name":"Maria Pop","email":"maria@example.com","timeZone":"Europe/Bucharest"}' \
  localhost:5080/api/v1/customers
SERVICE=$(curl -s -H "$K" localhost:5080/api/v1/services | grep -o '"id":"svc_[^"]*"' | head -1 | cut -d'"' -f4)
NEWPLAN=$(curl -s -H "$K" -H "$H" -d '{"name":"5 sessions","price":{"amount":80000,"currency":"RON"},
  "grants":[{"type":"sessions","serviceId":"'"$SERVICE"'","count":5,"validFor":{"unit":"month","count":2}}]}' \
  localhost:5080/api/v1/plans | grep -o '"id":"plan_[^"]*"' | head -1 | cut -d'"' -f4)
curl -s -X PATCH -H "$K" -H "$H" -d '{"price":{"amount":85000,"currency":"RON"}}' localhost:5080/api/v1/plans/$NEWPLAN
curl -s -H "$K" localhost:5080/api/v1/plans/$NEWPLAN/versions/1
PRODUCT=$(curl -s -H "$K" localhost:5080/api/v1/products | grep -o '"id":"prod_[^"]*"' | head -1 | cut -d'"' -f4)
curl -s -H "$K" localhost:5080/api/v1/products/$PRODUCT/versions/1
EXPECT=400 curl -s -H "$K" -H "$H" -d '{"name":"x","price":{"amount":12.5,"currency":"RON"}}' localhost:5080/api/v1/plans

step "Buy something"
PLAN=$(curl -s -H "$K" localhost:5080/api/v1/plans | grep -o '"id":"plan_[^"]*"' | head -1 | cut -d'"' -f4)
CUS=$(curl -s -H "$K" localhost:5080/api/v1/customers | grep -o '"id":"cus_[^"]*"' | head -1 | cut -d'"' -f4)
curl -s -H "$K" -H "$H" -d '{"lines":[{"planId":"'"$PLAN"'","quantity":2}]}' localhost:5080/api/v1/quotes
ORDER=$(curl -s -H "$K" -H "$H" -d '{"customerId":"'"$CUS"'","lines":[{"planId":"'"$PLAN"'"}]}' \
  localhost:5080/api/v1/orders | grep -o '"id":"ord_[^"]*"' | head -1 | cut -d'"' -f4)
PAYMENT=$(curl -s -H "$K" -H "$H" -d '{}' localhost:5080/api/v1/orders/$ORDER/checkout | grep -o '"paymentId":"[^"]*"' | cut -d'"' -f4)
curl -s -X POST -d delivery=normal localhost:5080/mock-pay/$PAYMENT/succeed
until_fulfilled "$ORDER"
curl -s -H "$K" localhost:5080/api/v1/orders/$ORDER
curl -s -H "$K" "localhost:5080/api/v1/entitlements?orderId=$ORDER"
curl -s -H "$K" "localhost:5080/api/v1/customers/$CUS/access/telerehab" | grep '"allowed":false'  # a consultation grants a session, not telerehab
curl -s -H "$K" "localhost:5080/api/v1/invoices?orderId=$ORDER"
curl -s -H "$K" localhost:5080/api/v1/payments/$PAYMENT
curl -s -H "$K" -H "$H" -d '{"amount":{"amount":5000,"currency":"RON"}}' localhost:5080/api/v1/payments/$PAYMENT/refunds
curl -s -H "$K" "localhost:5080/api/v1/credit-notes"              # CN-000001, with a printable htmlUrl

step "A recurring plan's renewal choices"
MONTHLY=$(curl -s -H "$K" localhost:5080/api/v1/plans | grep -o '"id":"plan_[^"]*","name":"Monthly telerehab"' | cut -d'"' -f4)
curl -s -X PATCH -H "$K" -H "$H" -d '{"renewal":{"retryDays":[1,3,5],"pastDue":"keep_access",
  "afterRetries":"leave_unpaid","missedPeriods":"bill_once","remindDaysBefore":7}}' localhost:5080/api/v1/plans/$MONTHLY

step "Use a session"
ENTITLEMENT=$(curl -s -H "$K" "localhost:5080/api/v1/entitlements?orderId=$ORDER" | grep -o '"id":"ent_[^"]*"' | head -1 | cut -d'"' -f4)
USE=$(curl -s -H "$K" -H "$H" -d '{"note":"Knee, week 1"}' localhost:5080/api/v1/entitlements/$ENTITLEMENT/uses | grep -o '"id":"use_[^"]*"' | cut -d'"' -f4)
curl -s -H "$K" -H "$H" -d '{}' localhost:5080/api/v1/entitlements/$ENTITLEMENT/uses/$USE/undo
curl -s -H "$K" localhost:5080/api/v1/entitlements/$ENTITLEMENT/uses

step "Ship a product"
SHIPPING=$(curl -s -H "$K" -H "$H" -d '{"customerId":"'"$CUS"'","lines":[{"productId":"'"$PRODUCT"'","quantity":2}],
  "shippingAddress":{"line1":"Str. Lalelelor 5","city":"Cluj-Napoca","postalCode":"400000","country":"RO"}}' \
  localhost:5080/api/v1/orders | grep -o '"id":"ord_[^"]*"' | head -1 | cut -d'"' -f4)
PAID=$(curl -s -H "$K" -H "$H" -d '{}' localhost:5080/api/v1/orders/$SHIPPING/checkout | grep -o '"paymentId":"[^"]*"' | cut -d'"' -f4)
curl -s -X POST -d delivery=normal localhost:5080/mock-pay/$PAID/succeed
until_fulfilled "$SHIPPING"
SHIPMENT=$(curl -s -H "$K" "localhost:5080/api/v1/shipments?orderId=$SHIPPING" | grep -o '"id":"shp_[^"]*"' | cut -d'"' -f4)
curl -s -H "$K" -H "$H" -d '{"carrier":"Fan Courier","trackingNumber":"FC123",
  "trackingUrl":"https://track.example/FC123"}' localhost:5080/api/v1/shipments/$SHIPMENT/ship

step "A refund in the provider's dashboard"
curl -s -X POST -d amount=5000 localhost:5080/mock-pay/$PAYMENT/refund

step "The platform sells by term"
KP='Authorization: Bearer sk_test_demo_platform'
TERMED=$(curl -s -H "$KP" localhost:5080/api/v1/plans | grep -o '"id":"plan_[^"]*"' | head -1 | cut -d'"' -f4)
CLINIC=$(curl -s -H "$KP" localhost:5080/api/v1/customers | grep -o '"id":"cus_[^"]*"' | head -1 | cut -d'"' -f4)
curl -s -H "$KP" -H "$H" -d '{"customerId":"'"$CLINIC"'","lines":[{"planId":"'"$TERMED"'","termMonths":6}]}' localhost:5080/api/v1/orders

step "The tour is done"

#!/usr/bin/env bash
# A tour of the momo-pos command-line tool: one Quick Pay payment, then a
# refund of it, step by step with MoMo's public sandbox credentials and the
# repository's test RSA key. Nothing is sent anywhere: the library never
# does I/O. (The live demo with a cashier page, a backend and a local MoMo
# sandbox is scripts/demo.sh.)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

cargo build -p momo-pos-cli --release --locked --quiet --bin momo-pos
cli=target/release/momo-pos

# MoMo's published sandbox credentials (public) and our test key.
export MOMO_PARTNER_CODE=MOMO
export MOMO_ACCESS_KEY=F8BBA842ECF85
export MOMO_SECRET_KEY=K951B6PE1waDMi640xX08PD3vg6EkVlz
export MOMO_PUBLIC_KEY_FILE=tests/keys/test_rsa2048_public_spki.b64
export MOMO_ENV=test

step() { printf '\n\033[1m== %s\033[0m\n$ %s\n' "$1" "$2"; }

scanned=$']Q1MM561918531775222861\r\n'
step "1. The cashier scans a code (AIM prefix and CR/LF from the scanner)" \
     "momo-pos normalize-code \$']Q1MM561918531775222861\\r\\n'"
"$cli" normalize-code "$scanned"

step "2. A bad scan is refused locally, with the reason" "momo-pos normalize-code MM5619185317X"
"$cli" normalize-code "MM5619185317X" || echo "(exit $?)"

order='{"orderId":"DEMO-1001","requestId":"DEMO-1001-r1","amount":59000,
 "paymentCode":"]Q1MM561918531775222861","orderInfo":"Cà phê sữa đá x2",
 "items":[{"id":"CF01","name":"Cà phê sữa đá","price":29500,"quantity":2,"totalPrice":59000}],
 "autoCapture":false,"ipnUrl":"https://pos.example.vn/momo/ipn","lang":"vi"}'
step "3. Build the signed pos request (the code is RSA-encrypted here)" "momo-pos pos-request < order.json"
echo "$order" | "$cli" pos-request

step "4. A field rule is checked before anything is signed" "amount 999 VND"
echo '{"orderId":"DEMO-1002","requestId":"r","amount":999,"paymentCode":"MM561918531775222861"}' \
  | "$cli" pos-request || echo "(exit $?)"

step "5. MoMo answered 9000 (authorized): what now?" "momo-pos explain 9000 --lang en"
"$cli" explain 9000 --lang en

step "6. Capture the authorized payment" "momo-pos confirm-request"
echo '{"orderId":"DEMO-1001","requestId":"DEMO-1001-c1","amount":59000,"requestType":"capture"}' \
  | "$cli" confirm-request

ipn=$(python3 -c 'import json;print([v["body"] for v in json.load(open("tests/vectors/signatures.json"))["ipn"] if v["name"]=="valid_transId_above_2_53"][0])')
step "7. Verify MoMo's notification from the raw body (transId beyond 2^53 kept exact)" "momo-pos verify-ipn < ipn.json"
echo "$ipn" | "$cli" verify-ipn

step "8. A tampered notification is refused" "amount 50000 -> 50001"
echo "${ipn/\"amount\":50000/\"amount\":50001}" | "$cli" verify-ipn || echo "(exit $?)"

step "9. The answer is lost: the transaction driver queries instead of charging twice" "momo-pos simulate timeout-then-paid"
"$cli" simulate timeout-then-paid

step "10. MoMo stays silent: the payment ends 'unknown: reconcile', never 'failed'" "momo-pos simulate deadline-unknown"
"$cli" simulate deadline-unknown | tail -6

refund='{"orderId":"DEMO-1001-R1","requestId":"DEMO-1001-R1-r1","amount":20000,
 "transId":"9007199254740993","description":"Khách trả hàng","lang":"vi"}'
step "11. The shopper returns one item: sign a refund of the paid payment (its own orderId; transId kept exact)" "momo-pos refund-request < refund.json"
echo "$refund" | "$cli" refund-request

step "12. A refund beyond MoMo's bounds is refused locally, naming the field" "amount 500 VND"
echo '{"orderId":"DEMO-1001-R2","requestId":"r","amount":500,"transId":9007199254740993}' \
  | "$cli" refund-request || echo "(exit $?)"

step "13. MoMo's answer to the refund (its transId is the refund's own)" "momo-pos verify-response refund < answer.json"
echo '{"partnerCode":"MOMO","orderId":"DEMO-1001-R1","requestId":"DEMO-1001-R1-r1","amount":20000,"transId":4088878700,"resultCode":0,"message":"Thành công.","responseTime":1700000000000}' \
  | "$cli" verify-response refund

step "14. The refund's answer is lost: the payment's status lists it, and no second refund is made" "momo-pos simulate refund-lost-then-listed"
"$cli" simulate refund-lost-then-listed

step "15. MoMo never answers: the refund ends 'unknown: reconcile', never 'refunded'" "momo-pos simulate refund-dropped-unknown"
"$cli" simulate refund-dropped-unknown | tail -4

printf '\nDone. See README.md for the Rust API; `bash scripts/test.sh` runs every test.\n'

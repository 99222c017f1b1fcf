#!/usr/bin/env bash
# The main job: sets up this machine, builds the npm package, the C library
# and the C terminal, starts a local MoMo sandbox and the demo backend, and
# prints the address of the cashier page. Ctrl-C stops both.
#
#   bash scripts/demo.sh              the cashier page on http://127.0.0.1:8080/
#   bash scripts/demo.sh --headless   every scenario through the Node backend
#                                     and the C terminal; prints a table (CI)
#   PORT=9000 bash scripts/demo.sh    another port (the sandbox takes PORT+1)
set -euo pipefail
cd "$(dirname "$0")/.."

headless=0
for arg in "$@"; do
  case "$arg" in
    --headless | --ci) headless=1 ;;
    -h | --help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option: $arg (try --help)" >&2; exit 2 ;;
  esac
done

bash scripts/setup.sh
# The npm package is rebuilt only when its sources changed since the last build.
dist=bindings/npm/dist/node/full.mjs
if [ ! -f "$dist" ] || [ -n "$(find src crates/momo-pos bindings/wasm Cargo.toml Cargo.lock bindings/npm/js scripts/build-npm.sh \
    -newer "$dist" -print -quit)" ]; then
  bash scripts/build-npm.sh
fi
bash scripts/build-demo.sh

if [ "$headless" -eq 1 ]; then
  exec node tests/e2e/headless.mjs
fi

port=${PORT:-8080}
sandbox_port=$((port + 1))
state=target/demo/state
mkdir -p "$state"
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT
trap 'exit 130' INT TERM

run=$(mktemp -d)
node --security-revert=CVE-2023-46809 tests/sandbox/server.mjs --port "$sandbox_port" \
  --port-file "$run/sandbox" &
pids+=($!)
# MoMo's public sandbox credentials and the repository's test key.
MOMO_PARTNER_CODE=MOMO MOMO_ACCESS_KEY=F8BBA842ECF85 \
MOMO_SECRET_KEY=K951B6PE1waDMi640xX08PD3vg6EkVlz \
MOMO_PUBLIC_KEY_FILE=tests/keys/test_rsa2048_public_spki.b64 \
  node examples/pos-backend/server.mjs --momo "http://127.0.0.1:$sandbox_port" --port "$port" \
    --state-dir "$state" --port-file "$run/backend" &
pids+=($!)
# Both listen once their port files exist; a port in use ends the script here.
for _ in $(seq 100); do
  [ -s "$run/sandbox" ] && [ -s "$run/backend" ] && break
  kill -0 "${pids[@]}" 2>/dev/null || { echo "a server did not start (port $port or $sandbox_port in use? try PORT=...)" >&2; exit 1; }
  sleep 0.1
done

cat <<TEXT

  Cashier page:  http://127.0.0.1:$port/
  MoMo sandbox:  http://127.0.0.1:$sandbox_port/  (what it received: /_sandbox/ledger)

  Scan (type or paste, then Enter) a code: MM + 14 digits of your choice + one of
    0000 paid            9000 authorized: capture or cancel   1000 pending, then paid
    0504 slow answer     0444 answer lost                      1001 insufficient funds
    1006 shopper denies  4005 code expired                     0044 code unknown to MoMo
  e.g. MM561918531775220000. A paid order refunds with Alt+R (amount, reason,
  Enter, then Enter to confirm); by the payment's code: 1088 not refundable,
  1080 retry later (Alt+T), 0505 slow answer, 0445 answer lost.
  The C terminal against the same sandbox:
    printf 'MM561918531775221000\r\n' | MOMO_PARTNER_CODE=MOMO MOMO_ACCESS_KEY=F8BBA842ECF85 \\
      MOMO_SECRET_KEY=K951B6PE1waDMi640xX08PD3vg6EkVlz \\
      MOMO_PUBLIC_KEY_FILE=tests/keys/test_rsa2048_public_spki.b64 \\
      target/demo/pos_terminal http://127.0.0.1:$sandbox_port T-$RANDOM 59000
  and a refund of 20,000 of it (TRANSID from its "PAID:" line):
    ... target/demo/pos_terminal http://127.0.0.1:$sandbox_port refund ORDER_ID TRANSID 59000 0 20000 'Khách trả 1 ly'

  Ctrl-C stops the sandbox and the backend.
TEXT
wait -n "${pids[@]}"

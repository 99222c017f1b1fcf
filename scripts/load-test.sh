#!/usr/bin/env bash
# Load test of the IPN endpoints from loopback (tests/load/load.mjs): the
# demo backend's POST /momo/ipn and the shipped node-ipn-server example,
# each first with genuine signed IPNs alone, then with the same mixed into
# a flood of the hostile corpus (tests/hostile). Prints one line per phase,
# a markdown table and a `load-summary {json}` line; exits 1 when a genuine
# IPN is lost or fails to settle, or a hostile body gets anything but 400.
#
#   bash scripts/load-test.sh              # 30 s per phase, by hand (~3 min)
#   bash scripts/load-test.sh --short      # 3 s per phase: what the test command runs
#   bash scripts/load-test.sh --package /tmp/old/bindings/npm   # another build
#
# Other options go to load.mjs: --seconds N, --rate N (genuine IPNs a
# second), --connections N and --hostile-rate N (the flood), --target.
set -euo pipefail
cd "$(dirname "$0")/.."

SETUP_TAG=load-test
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

[ -f bindings/npm/dist/node/full.mjs ] || bash scripts/build-npm.sh
# autocannon (tests/load) and the backend's link to the package.
for dir in examples/pos-backend tests/load; do
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    say "npm ci in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done

exec node tests/load/load.mjs --markdown "$@"

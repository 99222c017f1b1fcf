#!/usr/bin/env bash
# The end-to-end stage (run by scripts/test.sh after the wasm and C stages,
# which build the npm package): the sandbox's own tests, then every scenario
# through the Node backend and the C terminal with the sandbox's asserts,
# and the cashier page in headless Chromium (Playwright).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

[ -f bindings/npm/dist/node/full.mjs ] || bash scripts/build-npm.sh
bash scripts/build-demo.sh

step "MoMo sandbox: its own tests (node:crypto client)"
node --security-revert=CVE-2023-46809 --test tests/sandbox/test/

# Side by side: both suites wait on the slow scenario's 30 s timeout.
step "End to end: every scenario through the backend and the C terminal; the cashier page (Playwright)"
node --test --test-concurrency=2 tests/e2e/scenarios.test.mjs tests/e2e/cashier.test.mjs
echo "screenshots: tests/e2e/artifacts/"

step "Load test (short): genuine IPNs alone and in a hostile flood, through the backend and the example"
bash scripts/load-test.sh --short

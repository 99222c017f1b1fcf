#!/usr/bin/env bash
# Points the model checker (crates/momo-pos-testkit/tests/model_check.rs) at the driver of 0.1.0,
# to show that it catches the two bugs driver v2 fixed. Not part of the test
# command: it builds 0.1.0 in a worktree of its own (a few minutes).
#   bash scripts/model-check-0.1.sh            every invariant
#   MOMO_MODEL_ONLY_MONEY=1 bash scripts/...   the money invariants only
# The checker stops each configuration at the first broken invariant and
# prints the steps that led there; the script exits 0 when it found one.
set -euo pipefail
cd "$(dirname "$0")/.."
# The last commit of 0.1.0's driver: its events had no ids.
OLD=29ddede
work=$(mktemp -d)
trap 'git worktree remove --force "$work/old" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git worktree add --detach "$work/old" "$OLD" >/dev/null
mkdir -p "$work/old/tests/model_check"
cp crates/momo-pos-testkit/tests/model_check.rs "$work/old/tests/"
cp crates/momo-pos-testkit/tests/model_check/sut_0_1.rs "$work/old/tests/model_check/sut.rs"
# The optimised test profile, as in today's Cargo.toml.
sed -n '/^\[profile.model\]/,/^$/p' Cargo.toml >> "$work/old/Cargo.toml"
log="$work/model-check.log"
set +e
(cd "$work/old" && CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/../target-0.1}" \
  cargo test --profile model --test model_check -- --ignored --nocapture) 2>&1 | tee "$log"
set -e
if grep -q "^autoCapture=.*: " "$log"; then
  echo "model-check-0.1: the checker found 0.1.0's driver breaking the rules (above)"
else
  echo "model-check-0.1: no broken rule found in 0.1.0's driver" >&2
  exit 1
fi

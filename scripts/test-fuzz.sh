#!/usr/bin/env bash
# The fuzz stage (issue 7): builds every target in fuzz/ with cargo-fuzz on
# nightly, replays fuzz/regressions/<target>/ (inputs that once crashed),
# then fuzzes each target for MOMO_FUZZ_SECONDS (default 30) from the
# committed seeds in fuzz/seeds/<target>/. Any crash, invariant violation,
# leak or timeout input is copied into fuzz/regressions/<target>/ and the
# stage fails: commit the input with the fix so it is replayed forever.
# Prints the executions per target. MOMO_FUZZ_TARGETS limits the targets.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${MOMO_FUZZ_SECONDS:-30}"
targets="${MOMO_FUZZ_TARGETS:-ipn_verify responses payment_code public_key extra_data driver ffi}"
triple="$(rustc +nightly -vV | sed -n 's/^host: //p')"
bin_dir="fuzz/target/${triple}/release"

start=$(date +%s)
python3 fuzz/make_seeds.py --check
# Two jobs at most: CI machines have 2 cores, shared with other work.
CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-2}" cargo +nightly fuzz build
built=$(date +%s)

failed=()
summary=()
for target in $targets; do
  corpus="fuzz/corpus/${target}"     # grows while fuzzing; not committed
  artifacts="fuzz/artifacts/${target}"
  regressions="fuzz/regressions/${target}"
  mkdir -p "$corpus" "$artifacts" "$regressions"
  rm -f "$artifacts"/*

  # Replay: each saved input once, with the same binary.
  shopt -s nullglob
  saved=("$regressions"/*)
  shopt -u nullglob
  if [ ${#saved[@]} -gt 0 ]; then
    printf '[fuzz] %s: replaying %d regression input(s)\n' "$target" "${#saved[@]}"
    if ! "$bin_dir/$target" -runs=1 "${saved[@]}" >"fuzz/artifacts/${target}.replay.log" 2>&1; then
      tail -30 "fuzz/artifacts/${target}.replay.log"
      failed+=("$target (regression replay)")
      continue
    fi
  fi

  log="fuzz/artifacts/${target}.log"
  # The JSON readers also start from the worst-case bodies of tests/hostile.
  extra=()
  case "$target" in ipn_verify | responses) extra=(tests/hostile) ;; esac
  status=0
  # -timeout: one input taking 10 s is a hang, kept as a failure.
  "$bin_dir/$target" "$corpus" "fuzz/seeds/${target}" "${extra[@]}" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$artifacts/" -print_final_stats=1 >"$log" 2>&1 || status=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  summary+=("$(printf '%-13s %10s executions in %ss' "$target" "${execs:-?}" "$seconds")")
  shopt -s nullglob
  found=("$artifacts"/crash-* "$artifacts"/leak-* "$artifacts"/timeout-* "$artifacts"/oom-*)
  shopt -u nullglob
  if [ "$status" -ne 0 ] || [ ${#found[@]} -gt 0 ]; then
    grep -m1 -A25 -E "panicked|ERROR: (libFuzzer|AddressSanitizer)" "$log" || tail -30 "$log"
    for input in "${found[@]}"; do
      cp "$input" "$regressions/"
      echo "[fuzz] $target: kept $input as $regressions/$(basename "$input")"
    done
    failed+=("$target")
  fi
done

end=$(date +%s)
printf '\n[fuzz] executions per target (%ss each):\n' "$seconds"
printf '  %s\n' "${summary[@]}"
printf '[fuzz] build %ss, fuzzing %ss, stage %ss\n' "$((built - start))" "$((end - built))" "$((end - start))"
if [ ${#failed[@]} -gt 0 ]; then
  printf '[fuzz] FAILED: %s\n' "${failed[@]}"
  exit 1
fi

#!/usr/bin/env bash
# Runs every cargo-fuzz target in fuzz/ for a bounded time each and prints what libFuzzer did.
# Needs a nightly toolchain and cargo-fuzz (`rustup toolchain install nightly` and
# `cargo install cargo-fuzz`); `npm test` never runs it. CI's fuzz job runs it on a schedule.
#
#   bash scripts/fuzz.sh            60 seconds per target
#   bash scripts/fuzz.sh 600        ten minutes per target
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds=${1:-60}
status=0
for target in $(cargo +nightly fuzz list); do
  mkdir -p "corpus/$target"
  log=$(mktemp)
  # -rss_limit_mb keeps a runaway allocation a finding rather than an OOM kill of the machine.
  if cargo +nightly fuzz run "$target" "corpus/$target" -- -max_total_time="$seconds" -rss_limit_mb=2048 -print_final_stats=1 >"$log" 2>&1; then
    result=ok
  else
    result=FAILED
    status=1
  fi
  runs=$(grep -m1 'stat::number_of_executed_units' "$log" | awk '{print $2}')
  corpus=$(find "corpus/$target" -type f | wc -l)
  echo "$target: $result, ${runs:-?} executions in ${seconds} s, corpus $corpus inputs"
  if [ "$result" = FAILED ]; then tail -40 "$log"; fi
  rm -f "$log"
done
exit "$status"

#!/usr/bin/env bash
# Mutation testing: StrykerJS on src/ and cargo-mutants on crates/core, then one summary of
# killed, survived, equivalent-listed, timeout and no-coverage mutants and the score of each
# (scripts/mutation-summary.mjs; the target is 90% of non-equivalent mutants killed). This is
# `npm run test:mutation`, not part of `npm test`. On two cores, the whole run of 2026-12-01 took
# 61 minutes for StrykerJS's js project (reusing 874 results of 4,614 from its incremental file),
# 2 for the native project, and 15 for cargo-mutants' 407 mutants (jobs 2).
#
#   scripts/mutation.sh              all three runs, then the summary
#   scripts/mutation.sh js           StrykerJS on src/ with the vitest js project
#   scripts/mutation.sh native       StrykerJS on src/backend/native.ts and unpack.ts, native project
#   scripts/mutation.sh rust         cargo-mutants on crates/core
#   scripts/mutation.sh summary      only the summary of the last reports (target/mutation/)
#   MUTATION_FORCE=1 scripts/mutation.sh
#                                    StrykerJS tests every mutant afresh instead of reusing the
#                                    results of unchanged code from its incremental file
#   scripts/mutation.sh js src/core/session-state.ts src/core/tracking.ts
#                                    StrykerJS on some files only (a split run, when a whole
#                                    run does not fit the time there is); the report, and so
#                                    the summary, then covers those files
#
# Needs the devDependencies @stryker-mutator/core and @stryker-mutator/vitest-runner, cargo-mutants
# (`cargo install --locked cargo-mutants`), and the native binary built (`npm run build:native`)
# for the native run and for the js specs that compare the two backends.
set -euo pipefail
cd "$(dirname "$0")/.."

what=${1:-all}
shift || true
mkdir -p target/mutation

stryker() {
  local backend=$1
  shift
  # Stryker keeps only the last --mutate it is given, so the files go as one comma-separated list.
  local files=()
  if [ "$#" -gt 0 ]; then files=(--mutate "$(IFS=,; echo "$*")"); fi
  echo "== StrykerJS, $backend project${*:+: $*}"
  local start=$SECONDS
  local force=()
  if [ -n "${MUTATION_FORCE:-}" ]; then force=(--force); fi
  MUTATION_BACKEND=$backend npx stryker run stryker.config.mjs "${files[@]}" "${force[@]}"
  echo "== StrykerJS, $backend project: $((SECONDS - start)) s"
}

rust() {
  echo "== cargo-mutants, crates/core"
  local start=$SECONDS status=0
  # Settings (timeouts, test arguments, exclusions) are in .cargo/mutants.toml. Exit 2 means
  # some mutants were missed and 3 that some timed out: the summary judges those.
  cargo mutants --package client-sessions-core --test-tool cargo --jobs "${MUTATION_JOBS:-2}" || status=$?
  if [ "$status" -ne 0 ] && [ "$status" -ne 2 ] && [ "$status" -ne 3 ]; then
    echo "cargo-mutants failed (exit $status)" >&2
    exit "$status"
  fi
  echo "== cargo-mutants: $((SECONDS - start)) s"
}

case "$what" in
  all)
    stryker js
    stryker native
    rust
    ;;
  js | native) stryker "$what" "$@" ;;
  rust) rust ;;
  summary) ;;
  *)
    echo "usage: scripts/mutation.sh [all|js|native|rust|summary] [files for js or native...]" >&2
    exit 64
    ;;
esac
node scripts/mutation-summary.mjs

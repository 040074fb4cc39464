#!/usr/bin/env bash
# binding.js and binding.d.ts are written by `napi build` (npm ci runs it) and committed. After a
# build they must be unchanged, or the committed loader is stale.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  echo "check-generated: not a git checkout, nothing to compare against"
  exit 0
fi
if ! git diff --exit-code --stat -- binding.js binding.d.ts; then
  echo "check-generated: binding.js/binding.d.ts differ from the committed ones: run 'npm run build:native' and commit them" >&2
  exit 1
fi
echo "check-generated: binding.js and binding.d.ts are fresh"

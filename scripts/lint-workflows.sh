#!/usr/bin/env bash
# Validates .github/workflows with actionlint (syntax, expressions, job graph, action inputs).
# The workflow cannot run on this machine, so this is the check that it is at least well formed.
set -euo pipefail
cd "$(dirname "$0")/.."
version=v1.7.12
if command -v actionlint >/dev/null 2>&1; then
  actionlint -no-color
elif command -v go >/dev/null 2>&1; then
  go run "github.com/rhysd/actionlint/cmd/actionlint@${version}" -no-color
else
  echo "lint-workflows: needs actionlint or Go (go run github.com/rhysd/actionlint/cmd/actionlint@${version})" >&2
  exit 1
fi
echo "actionlint: .github/workflows are valid"

#!/usr/bin/env bash
# Checks that Linux glibc binaries need no glibc newer than the README promises: the highest
# GLIBC_x.y symbol version each one imports must be at most MAX (default 2.17). CI runs it on the
# binaries napi's cross toolchain builds; a binary built on the host's own glibc fails it.
#
#   bash scripts/check-glibc.sh [--max 2.17] FILE.node...
set -euo pipefail
max=2.17
if [ "${1:-}" = "--max" ]; then max=$2; shift 2; fi
[ $# -gt 0 ] || { echo "usage: check-glibc.sh [--max X.Y] FILE..." >&2; exit 2; }
status=0
for file in "$@"; do
  # objdump -T lists dynamic symbols with their version, e.g. "(GLIBC_2.14) memcpy".
  highest=$(objdump -T "$file" | grep -oE 'GLIBC_[0-9]+(\.[0-9]+)+' | sed 's/GLIBC_//' | sort -V | tail -1)
  if [ -z "$highest" ]; then
    echo "$file: imports no versioned glibc symbol (not a glibc binary?)" >&2
    status=1
  elif [ "$(printf '%s\n%s\n' "$highest" "$max" | sort -V | tail -1)" != "$max" ]; then
    echo "FAIL $file needs glibc $highest, above the $max promised"
    status=1
  else
    echo "ok   $file needs glibc $highest (at most $max)"
  fi
done
exit "$status"

#!/usr/bin/env bash
# A dry run of a release's version bump in a throw-away clone: `npm version` must leave the
# committed loader fresh, since binding.js checks binaries against the version it was generated
# for and CI's "loader is fresh" check stops the build job (and every job after it) otherwise.
# Not part of `npm test` (two native builds); its output goes in release notes and reviews.
#
#   bash scripts/check-version-bump.sh [VERSION]     default: the next patch prerelease
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git clone -q "$root" "$work/repo"
cd "$work/repo"
# The dependencies of the checkout under test, without installing them again.
ln -s "$root/node_modules" node_modules
# And its Rust build cache: the two native builds below then take seconds.
export CARGO_TARGET_DIR="$root/target"
current=$(node -p "require('./package.json').version")
next=${1:-$(node -p "const [a,b,c]=process.argv[1].split('-')[0].split('.').map(Number); [a,b,c+1].join('.') + '-rc.0'" "$current")}
git config user.email release-check@localhost
git config user.name "release check"
echo "# npm version $next (from $current), in $work/repo"
npm version "$next" -m "Release %s" >/dev/null
echo "- the bump commit touches: $(git show --name-only --format= HEAD | tr '\n' ' ')"
grep -q "'$next'" binding.js && echo "- binding.js checks binaries against $next" || { echo "FAIL binding.js still names $current" >&2; exit 1; }
npm run build:native >/dev/null 2>&1
bash scripts/check-generated.sh
echo "check-version-bump: a bump to $next leaves the loader check green"

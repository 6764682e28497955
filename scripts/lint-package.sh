#!/usr/bin/env bash
# Lints the package as npm would pack it: publint (package.json, exports, files) and
# Are the Types Wrong (what TypeScript resolves for require and import of every entry).
# Packs with --ignore-scripts, so no platform binary is built (the main package carries none):
# these checks read only package.json, the JavaScript entries and their types. Needs a built dist/ (npm run build:ts).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f dist/index.d.mts ] || { echo "dist/ is not built: run npm run build:ts first"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

tarball=$(npm pack --ignore-scripts --silent --pack-destination "$work" | tail -n 1)
npx --no-install publint --strict "$work/$tarball"
# node16 profile: engines asks for Node 20, so the pre-exports node10 resolution does not apply.
npx --no-install attw --profile node16 "$work/$tarball"
# The platform packages (packages/*/): package.json and what npm would pack.
for dir in packages/*/; do npx --no-install publint --strict "$dir"; done
echo "package lint passed"

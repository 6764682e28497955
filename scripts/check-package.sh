#!/usr/bin/env bash
# The package as users get it, packed as a publisher packs it: a fresh clone of the committed
# tree, `npm ci`, then `npm pack` of the main package (its prepack step builds this platform's
# binary into packages/, scripts/prepack.js) and of the platform package. Both tarballs are
# installed into a fresh empty project with no C++ compiler, make or CMake on PATH; the install
# must bring exactly those two packages. The library then fits there (require and import) and
# through the command line, with the platform package's binary and OpenMP runtime.
# Prints "package check passed" and exits 0, or stops at the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
platform=linux-x64-gnu

git clone --quiet "$PWD" "$work/clone"
(cd "$work/clone" && npm ci --ignore-scripts --no-audit --no-fund --prefer-offline >/dev/null)
tarball=$(cd "$work/clone" && npm pack --pack-destination "$work" | tail -n 1)
binary_tarball=$(cd "$work/clone" && npm pack "./packages/$platform" --pack-destination "$work" | tail -n 1)
echo "packed $tarball and $binary_tarball from a fresh clone"
tar -tzf "$work/$tarball" > "$work/contents"
if grep -E '\.node$|\.so(\.[0-9]+)*$' "$work/contents"; then echo "the main tarball carries a binary"; exit 1; fi
# The fuzz target is for development: the package carries the kernels, not their fuzzing.
if grep -q '^package/native/fuzz/' "$work/contents"; then echo "the tarball carries native/fuzz"; exit 1; fi
tar -tzf "$work/$binary_tarball" | sort > "$work/binary_contents"
printf '%s\n' package/LICENSE package/README.md package/kmeans-native.node package/libgomp.so.1 package/package.json |
  diff - "$work/binary_contents" || { echo "the platform tarball does not hold what it should"; exit 1; }

# A PATH holding node, npm and a shell, nothing else.
mkdir "$work/bin" "$work/app"
ln -s "$(command -v node)" "$work/bin/node"
ln -s "$(readlink -f "$(command -v npm)")" "$work/bin/npm"
ln -s "$(command -v sh)" "$work/bin/sh"
bare() { env -u CC -u CXX PATH="$work/bin" "$@"; }
for tool in c++ g++ gcc cc clang clang++ cmake make ninja; do
  if bare sh -c "command -v $tool" >/dev/null; then echo "$tool is on the bare PATH"; exit 1; fi
done

# The app depends on kmeans-native alone, as a user's does. The platform package is not on the
# registry: an override points npm's resolution of the optional dependency at its tarball.
cd "$work/app"
cat > package.json <<JSON
{ "name": "app", "version": "1.0.0", "private": true,
  "overrides": { "kmeans-native-$platform": "file:$work/$binary_tarball" } }
JSON
bare npm install "$work/$tarball" --foreground-scripts --no-audit --no-fund --prefer-offline 2>&1 | tee install.log
grep -q "kmeans-native: using .*/node_modules/kmeans-native-$platform/kmeans-native.node$" install.log ||
  { echo "install did not find the platform package's binary"; exit 1; }
installed=$(node -e "console.log(Object.keys(require('./package-lock.json').packages).filter(Boolean).sort().join(' '))")
[ "$installed" = "node_modules/kmeans-native node_modules/kmeans-native-$platform" ] ||
  { echo "the install pulled: $installed"; exit 1; }
echo "installed 2 packages, $(du -sk node_modules | cut -f1) KB in node_modules"

bare node -e "
  const path = require('node:path');
  const { KMeans, info } = require('kmeans-native');
  const km = new KMeans({ nClusters: 2, seed: 1 }).fit([[0, 0], [0, 1], [10, 10], [10, 11]]);
  if (km.inertia !== 1) throw new Error('inertia ' + km.inertia);
  const maps = require('node:fs').readFileSync('/proc/self/maps', 'utf8').split('\n');
  const from = (name) => (maps.find((line) => line.includes(name)) ?? '').split(' ').pop();
  const addon = from('kmeans-native.node');
  if (!addon.endsWith('/node_modules/kmeans-native-$platform/kmeans-native.node')) throw new Error('addon from ' + addon);
  if (info().openmp && path.dirname(from('libgomp')) !== path.dirname(addon)) throw new Error('OpenMP runtime from ' + from('libgomp'));
  console.log('require: fit ok with', path.relative(process.cwd(), addon), info());
"
bare node --input-type=module -e "
  import { KMeans } from 'kmeans-native';
  const km = new KMeans({ nClusters: 2, seed: 1 }).fit([[0, 0], [0, 1], [10, 10], [10, 11]]);
  if (km.inertia !== 1) throw new Error('inertia ' + km.inertia);
  console.log('import: fit ok');
"
bare ./node_modules/.bin/kmeans-native fit node_modules/kmeans-native/data/iris.csv -k 3 --columns 1-4 --seed 0 --out model.json --plot iris.svg
bare ./node_modules/.bin/kmeans-native predict model.json node_modules/kmeans-native/data/iris.csv --labels labels.csv -q
[ "$(wc -l < labels.csv)" -eq 151 ] && grep -q '</svg>' iris.svg || { echo "the command line wrote no labels or plot"; exit 1; }
echo "package check passed"

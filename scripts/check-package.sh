#!/usr/bin/env bash
# The package as users get it, packed as a publisher packs it: a fresh clone of the committed
# tree, `npm ci`, then `npm pack`, whose prepack step builds the prebuilt binary
# (scripts/prepack.js). The tarball is installed into a fresh empty project with no C++
# compiler, make or CMake on PATH, and fits there through the library (require and import) and
# the command line.
# Prints "package check passed" and exits 0, or stops at the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

git clone --quiet "$PWD" "$work/clone"
(cd "$work/clone" && npm ci --ignore-scripts --no-audit --no-fund --prefer-offline >/dev/null)
tarball=$(cd "$work/clone" && npm pack --pack-destination "$work" | tail -n 1)
echo "packed $tarball from a fresh clone"
tar -tzf "$work/$tarball" > "$work/contents"
grep -q '^package/prebuilds/linux-x64/kmeans-native.glibc.node$' "$work/contents" || { echo "the tarball has no prebuilt binary"; exit 1; }
# The fuzz target is for development: the package carries the kernels, not their fuzzing.
if grep -q '^package/native/fuzz/' "$work/contents"; then echo "the tarball carries native/fuzz"; exit 1; fi

# A PATH holding node, npm and a shell, nothing else.
mkdir "$work/bin" "$work/app"
ln -s "$(command -v node)" "$work/bin/node"
ln -s "$(readlink -f "$(command -v npm)")" "$work/bin/npm"
ln -s "$(command -v sh)" "$work/bin/sh"
bare() { env -u CC -u CXX PATH="$work/bin" "$@"; }
for tool in c++ g++ gcc cc clang clang++ cmake make ninja; do
  if bare sh -c "command -v $tool" >/dev/null; then echo "$tool is on the bare PATH"; exit 1; fi
done

cd "$work/app"
echo '{ "name": "app", "version": "1.0.0", "private": true }' > package.json
bare npm install "$work/$tarball" --foreground-scripts --no-audit --no-fund --prefer-offline 2>&1 | tee install.log
grep -q 'kmeans-native: using the prebuilt binary' install.log || { echo "install did not use the prebuilt binary"; exit 1; }

bare node -e "
  const path = require('node:path');
  const { KMeans, info } = require('kmeans-native');
  const root = path.dirname(require.resolve('kmeans-native/package.json'));
  const loaded = require('node-gyp-build').resolve(root);
  if (!loaded.includes('/prebuilds/linux-x64/')) throw new Error('loaded ' + loaded);
  const km = new KMeans({ nClusters: 2, seed: 1 }).fit([[0, 0], [0, 1], [10, 10], [10, 11]]);
  if (km.inertia !== 1) throw new Error('inertia ' + km.inertia);
  const { openmp } = info();
  const gomp = require('node:fs').readFileSync('/proc/self/maps', 'utf8').split('\n').find((line) => line.includes('libgomp'));
  if (openmp && !gomp.includes('/prebuilds/linux-x64/libgomp.so.1')) throw new Error('OpenMP runtime from ' + gomp);
  console.log('require: fit ok with', path.relative(process.cwd(), loaded), info());
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

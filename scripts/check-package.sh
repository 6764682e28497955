#!/usr/bin/env bash
# The package as users get it, packed as a publisher packs it: a fresh clone of the committed
# tree, `npm ci`, then `npm pack` of the main package (its prepack step builds the platform
# binaries into packages/, scripts/prepack.js: this machine's, and linux-arm64's with the aarch64
# cross toolchain) and of each platform package. They are installed into a fresh empty project
# with no C++ compiler, make or CMake on PATH, as a registry holding all of them would serve
# them; the install must bring exactly the main package and this platform's. The library then
# fits there (require and import) and through the command line, with the platform package's
# binary and OpenMP runtime. The README's picture must be in the main tarball.
# Prints "package check passed" and exits 0, or stops at the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
platform=linux-x64-gnu

git clone --quiet "$PWD" "$work/clone"
(cd "$work/clone" && npm ci --ignore-scripts --no-audit --no-fund --prefer-offline >/dev/null)
tarball=$(cd "$work/clone" && npm pack --pack-destination "$work" | tail -n 1)
overrides=()
for name in $(node -p "require('./scripts/platforms.js').map((p) => p.name).join(' ')"); do
  packed=$(cd "$work/clone" && npm pack "./packages/$name" --pack-destination "$work" | tail -n 1)
  tar -tzf "$work/$packed" | sort > "$work/$name.contents"
  printf '%s\n' package/LICENSE package/README.md package/kmeans-native.node package/libgomp.so.1 package/package.json |
    diff - "$work/$name.contents" || { echo "the $name tarball does not hold what it should"; exit 1; }
  overrides+=("\"kmeans-native-$name\": \"file:$work/$packed\"")
  echo "packed $packed from a fresh clone"
done
echo "packed $tarball from a fresh clone"
tar -tzf "$work/$tarball" > "$work/contents"
if grep -E '\.node$|\.so(\.[0-9]+)*$' "$work/contents"; then echo "the main tarball carries a binary"; exit 1; fi
# The fuzz target is for development: the package carries the kernels, not their fuzzing.
if grep -q '^package/native/fuzz/' "$work/contents"; then echo "the tarball carries native/fuzz"; exit 1; fi
grep -q '^package/docs/iris-clusters.svg$' "$work/contents" || { echo "the tarball lacks the README's picture"; exit 1; }
tar -xzOf "$work"/kmeans-native-linux-arm64-gnu-*.tgz package/kmeans-native.node > "$work/arm64.node"
file "$work/arm64.node" |
  grep -q 'ARM aarch64' || { echo "the linux-arm64-gnu binary is not an arm64 one"; exit 1; }

# A PATH holding node, npm and a shell, nothing else.
mkdir "$work/bin" "$work/app"
ln -s "$(command -v node)" "$work/bin/node"
ln -s "$(readlink -f "$(command -v npm)")" "$work/bin/npm"
ln -s "$(command -v sh)" "$work/bin/sh"
bare() { env -u CC -u CXX PATH="$work/bin" "$@"; }
for tool in c++ g++ gcc cc clang clang++ cmake make ninja; do
  if bare sh -c "command -v $tool" >/dev/null; then echo "$tool is on the bare PATH"; exit 1; fi
done

# The app depends on kmeans-native alone, as a user's does. The platform packages are not on the
# registry: overrides point npm's resolution of the optional dependencies at their tarballs.
cd "$work/app"
cat > package.json <<JSON
{ "name": "app", "version": "1.0.0", "private": true,
  "overrides": { $(IFS=,; echo "${overrides[*]}") } }
JSON
bare npm install "$work/$tarball" --foreground-scripts --no-audit --no-fund --prefer-offline 2>&1 | tee install.log
grep -q "kmeans-native: using .*/node_modules/kmeans-native-$platform/kmeans-native.node$" install.log ||
  { echo "install did not find the platform package's binary"; exit 1; }
# What is on disk: npm records the other platforms' packages in the lockfile but installs only
# this platform's.
installed=$(cd node_modules && ls -d -- */ | tr -d / | sort | tr '\n' ' ')
[ "$installed" = "kmeans-native kmeans-native-$platform " ] || { echo "the install pulled: $installed"; exit 1; }
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

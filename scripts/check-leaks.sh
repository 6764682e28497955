#!/usr/bin/env bash
# Leak checks (npm run test:leaks): test/leak/loop.js runs fit, predict, transform, fitAsync, an
# aborted fitAsync, MiniBatchKMeans.partialFit and a model file round trip 10,000 times, and the
# resident set may grow by at most 16 MB after the first 1,000 (the heap by at most 2 MB); then
# 50 iterations under valgrind must show no definite leak and no memory error in the addon.
# (V8's own conservative stack scan is reported by valgrind as uninitialised reads: not ours.)
set -euo pipefail
cd "$(dirname "$0")/.."
npm run build:ts >/dev/null

result=$(node --expose-gc test/leak/loop.js 10000)
echo "$result"
node -e "
  const { before, after } = JSON.parse(process.argv[1]);
  const mb = (bytes) => (bytes / 2 ** 20).toFixed(1) + ' MB';
  const rss = after.rss - before.rss, heap = after.heapUsed - before.heapUsed;
  console.log('RSS growth over 9,000 iterations: ' + mb(rss) + ' (bound 16 MB); heap growth: ' + mb(heap) + ' (bound 2 MB)');
  if (rss > 16 * 2 ** 20 || heap > 2 * 2 ** 20) process.exit(1);
" "$result"

if ! command -v valgrind >/dev/null; then
  echo "valgrind is not installed (apt-get install valgrind): the valgrind part cannot run"
  exit 1
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
valgrind --leak-check=full --show-leak-kinds=definite --num-callers=40 node --expose-gc test/leak/loop.js 50 > /dev/null 2> "$log"
grep -E "definitely lost:|ERROR SUMMARY" "$log"
# Records are the lines between blank ones. A definite leak allocated anywhere under the addon, or
# a memory error whose innermost frame is in the addon, fails the check.
if awk -v RS='==[0-9]+== \n' '
  /definitely lost in/ && /kmeans_native/ { found = 1; print }
  /(Invalid|uninitialised|Mismatched|overlap)/ { split($0, lines, "\n"); for (i = 1; i in lines; i++) if (lines[i] ~ / at 0x/) { if (lines[i] ~ /kmeans_native/) { found = 1; print }; break } }
  END { exit found }' "$log"; then
  echo "valgrind: no definite leak and no memory error in the addon"
else
  echo "valgrind found problems in the addon (above)"
  exit 1
fi

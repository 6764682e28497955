/**
 * A fixed pseudo-random subset of rows, for plots of large data. Pseudo-random rather than every
 * m-th row, which would alias with data whose rows cycle through the clusters; fixed, so the
 * same file always gives the same picture. Bottom-k sampling: the rows whose hashed index is
 * among the `wanted` smallest, so no generator state is kept and no index array is shuffled.
 */

/** `wanted` distinct row indices out of `rows`, ascending (all rows if there are no more). */
export function sampleRows(rows: number, wanted: number): Int32Array {
  if (rows <= wanted) return Int32Array.from({ length: rows }, (_, i) => i);
  // The hashes are spread evenly over [0, 2^32): aim a few standard deviations above `wanted`
  // candidates, so that a second, wider pass is rarely needed.
  let target = wanted + 4 * Math.sqrt(wanted) + 16;
  for (;;) {
    const threshold = Math.min(2 ** 32, Math.ceil((target / rows) * 2 ** 32));
    const candidates: number[] = [];
    const keys: number[] = [];
    for (let i = 0; i < rows; i++) {
      const key = indexHash(i);
      if (key < threshold) {
        candidates.push(i);
        keys.push(key);
      }
    }
    if (candidates.length >= wanted) {
      // The hash is a bijection, so keys are distinct: exactly `wanted` are at or below the cutoff.
      const cutoff = Uint32Array.from(keys).sort()[wanted - 1]!;
      return Int32Array.from(candidates.filter((_, c) => keys[c]! <= cutoff));
    }
    target *= 2;
  }
}

/** A bijective mix of a 32-bit index (xor-shifts and odd multipliers), as an unsigned integer. */
function indexHash(index: number): number {
  let x = index >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

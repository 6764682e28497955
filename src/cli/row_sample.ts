/**
 * A fixed random subset of rows, for plots of large data. Random rather than every m-th row,
 * which would alias with data whose rows cycle through the clusters; seeded, so the same file
 * always gives the same picture.
 */
import { Random } from '../rng';

/** `wanted` distinct row indices out of `rows`, ascending (all rows if there are no more). */
export function sampleRows(rows: number, wanted: number): Int32Array {
  if (rows <= wanted) return Int32Array.from({ length: rows }, (_, i) => i);
  // Partial Fisher-Yates shuffle: the first `wanted` entries are a uniform sample.
  const order = Int32Array.from({ length: rows }, (_, i) => i);
  const random = new Random(0);
  for (let i = 0; i < wanted; i++) {
    const j = i + random.nextInt(rows - i);
    const swap = order[i]!;
    order[i] = order[j]!;
    order[j] = swap;
  }
  return order.subarray(0, wanted).sort();
}

/**
 * A fixed pseudo-random subset of rows, for plots of large data. Pseudo-random rather than every
 * m-th row, which would alias with data whose rows cycle through the clusters; fixed, so the
 * same file always gives the same picture. Bottom-k sampling: the rows whose hashed index is
 * among the `wanted` smallest, so no generator state is kept and no index array is shuffled;
 * StreamingSample picks the same rows from a stream of unknown length.
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

/**
 * The rows sampleRows picks, chosen as they stream past without knowing how many there will
 * be: the `wanted` rows of smallest hash so far, in a max-heap of their hashes. Each kept row
 * carries an item (its values and label).
 */
export class StreamingSample<T> {
  private readonly heap: { key: number; index: number; item: T }[] = [];

  constructor(private readonly wanted: number) {}

  /** Offers row `index`; `item()` is called only when the row is kept (for now). */
  offer(index: number, item: () => T): void {
    const key = indexHash(index);
    const heap = this.heap;
    if (heap.length < this.wanted) {
      heap.push({ key, index, item: item() });
      this.siftUp(heap.length - 1);
    } else if (this.wanted > 0 && key < heap[0]!.key) {
      heap[0] = { key, index, item: item() };
      this.siftDown(0);
    }
  }

  /** The kept rows, ascending by index. */
  rows(): { index: number; item: T }[] {
    return this.heap.map(({ index, item }) => ({ index, item })).sort((a, b) => a.index - b.index);
  }

  private siftUp(i: number): void {
    const heap = this.heap;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]!.key >= heap[i]!.key) return;
      [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
      i = parent;
    }
  }

  private siftDown(i: number): void {
    const heap = this.heap;
    for (;;) {
      let largest = i;
      for (const child of [2 * i + 1, 2 * i + 2]) {
        if (child < heap.length && heap[child]!.key > heap[largest]!.key) largest = child;
      }
      if (largest === i) return;
      [heap[largest], heap[i]] = [heap[i]!, heap[largest]!];
      i = largest;
    }
  }
}

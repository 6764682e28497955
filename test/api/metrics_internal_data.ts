// The hashed data sets of fixtures/make_internal_metrics_fixtures.py (hashed_rows), made here
// bit for bit: row i is in cluster i % k, and value (i, f) is 2 * ((5 * label + 3 * f) % 7) plus
// the top 12 bits of the MurmurHash3 finaliser of i * d + f + 1, over 1024.
export function hashedRows(n: number, d: number, k: number) {
  const data = new Float64Array(n * d);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const label = i % k;
    labels[i] = label;
    for (let f = 0; f < d; f++) {
      let h = (i * d + f + 1) >>> 0;
      h ^= h >>> 16;
      h = Math.imul(h, 0x85ebca6b);
      h ^= h >>> 13;
      h = Math.imul(h, 0xc2b2ae35);
      h ^= h >>> 16;
      data[i * d + f] = 2 * ((5 * label + 3 * f) % 7) + (h >>> 20) / 1024;
    }
  }
  return { X: { data, rows: n, cols: d }, labels };
}

// Deterministic benchmark data: isotropic Gaussian blobs, generated with a small seeded PRNG so
// that every run, and every implementation within a run, sees exactly the same numbers.

// splitmix32: expands one 32-bit seed into well-mixed words for seeding sfc32.
function splitmix32(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) | 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    return (z ^ (z >>> 15)) >>> 0;
  };
}

// sfc32 (Chris Doty-Humphrey's Small Fast Counting generator): uniform doubles in [0, 1).
export function sfc32(seed) {
  const mix = splitmix32(seed);
  let a = mix();
  let b = mix();
  let c = mix();
  let d = mix();
  const next = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 15; i++) next();
  return next;
}

// Standard normal deviates by the Box-Muller transform, two per pair of uniforms.
export function gaussian(uniform) {
  let spare = null;
  return () => {
    if (spare !== null) {
      const value = spare;
      spare = null;
      return value;
    }
    const u1 = 1 - uniform(); // in (0, 1], so the logarithm is finite
    const u2 = uniform();
    const radius = Math.sqrt(-2 * Math.log(u1));
    spare = radius * Math.sin(2 * Math.PI * u2);
    return radius * Math.cos(2 * Math.PI * u2);
  };
}

// n points in d dimensions around k true centers drawn uniformly from [-box, box]^d; each point
// belongs to a uniformly chosen center, so the rows come in no particular order. Row-major float64.
export function makeBlobs({ n, d, k, std = 2.0, box = 10.0, seed = 42 }) {
  const uniform = sfc32(seed);
  const normal = gaussian(uniform);
  const centers = new Float64Array(k * d);
  for (let i = 0; i < centers.length; i++) centers[i] = (2 * uniform() - 1) * box;
  const labels = new Int32Array(n);
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const label = Math.floor(uniform() * k);
    labels[i] = label;
    const row = i * d;
    const center = label * d;
    for (let j = 0; j < d; j++) data[row + j] = centers[center + j] + std * normal();
  }
  return { data, rows: n, cols: d, centers, labels };
}

// Converts row-major data to the requested dtype ('float64' returns the same array).
export function toDtype(data, dtype) {
  if (dtype === 'float64') return data instanceof Float64Array ? data : Float64Array.from(data);
  if (dtype === 'float32') return data instanceof Float32Array ? data : Float32Array.from(data);
  throw new Error(`unsupported dtype '${dtype}'`);
}

// The initial centers every implementation starts from: rows i * floor(n / k) for i < k.
export function initialCenters(data, n, d, k) {
  const stride = Math.floor(n / k);
  const init = new data.constructor(k * d);
  for (let i = 0; i < k; i++) init.set(data.subarray(i * stride * d, (i * stride + 1) * d), i * d);
  return init;
}

// A sparse, text-like matrix in CSR form: n rows over d columns with `perRow` distinct columns
// each, sorted. Row i belongs to topic i % topics; half of its columns (in expectation) come from
// its topic's band of d / topics columns, the rest from anywhere, and its values lie in [1, 2) (as
// term weights). Deterministic for a seed; int32 indptr and indices, float64 values.
export function makeSparseTopics({ n, d, perRow, topics, seed = 42 }) {
  const uniform = sfc32(seed);
  const band = Math.floor(d / topics);
  const indptr = new Int32Array(n + 1);
  const indices = new Int32Array(n * perRow);
  const data = new Float64Array(n * perRow);
  const row = new Int32Array(perRow);
  for (let i = 0; i < n; i++) {
    const topic = i % topics;
    let count = 0;
    while (count < perRow) {
      const column = uniform() < 0.5 ? topic * band + Math.floor(uniform() * band) : Math.floor(uniform() * d);
      if (!row.subarray(0, count).includes(column)) row[count++] = column;
    }
    row.sort();
    indices.set(row, i * perRow);
    for (let e = 0; e < perRow; e++) data[i * perRow + e] = 1 + uniform();
    indptr[i + 1] = (i + 1) * perRow;
  }
  return { format: 'csr', indptr, indices, data, rows: n, cols: d };
}

// The initial centers of a sparse benchmark: rows i * floor(n / k) for i < k, dense, k × d.
export function sparseInitialCenters(csr, k) {
  const stride = Math.floor(csr.rows / k);
  const init = new csr.data.constructor(k * csr.cols);
  for (let c = 0; c < k; c++) {
    const i = c * stride;
    for (let e = csr.indptr[i]; e < csr.indptr[i + 1]; e++) init[c * csr.cols + csr.indices[e]] = csr.data[e];
  }
  return init;
}

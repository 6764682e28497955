/**
 * The first two principal components of a data set, for plotting. Block subspace iteration
 * (Golub & Van Loan, Matrix Computations, 8.2.4) with a Rayleigh-Ritz step on the centered
 * rows, so neither a d×d covariance nor its full eigendecomposition is ever formed: with d up to
 * thousands it stays within about a second. On large data the axes are computed from a fixed
 * random subset of about half a million values (at least 100 rows), which is plenty for a picture.
 */
import { sampleRows } from './row_sample';
import { type Eigen, symmetricEigen } from './symmetric_eigen';

export interface PrincipalAxes {
  mean: Float64Array;
  /** Two unit vectors of length d. */
  axes: [Float64Array, Float64Array];
  /** The share of the total variance along each axis, in [0, 1]. */
  explained: [number, number];
}

const valueBudget = 500_000;
const blockSize = 8;
// Slow convergence means nearly equal variances, where any of the close directions makes as good a picture.
const maxIterations = 30;
/** Ritz values this close (relative) to the previous iteration's are taken as converged: ample for a picture. */
const tolerance = 1e-8;

export function principalAxes(data: ArrayLike<number>, rows: number, cols: number): PrincipalAxes {
  const sample = sampleRows(rows, Math.max(100, Math.floor(valueBudget / cols)));
  const m = sample.length;
  const mean = new Float64Array(cols);
  for (const row of sample) for (let j = 0; j < cols; j++) mean[j]! += data[row * cols + j]! / m;
  const centered = new Float64Array(m * cols);
  sample.forEach((row, i) => {
    for (let j = 0; j < cols; j++) centered[i * cols + j] = data[row * cols + j]! - mean[j]!;
  });
  let total = 0;
  for (const value of centered) total += value * value;
  let raw = 0;
  for (const row of sample) for (let j = 0; j < cols; j++) raw += data[row * cols + j]! ** 2;
  if (total <= 1e-24 * raw || total === 0) {
    // All rows (numerically) equal: what is left after centering is rounding, not directions.
    return { mean, axes: [new Float64Array(cols), new Float64Array(cols)], explained: [0, 0] };
  }

  const b = Math.min(blockSize, cols);
  let basis = orthonormalColumns(startingBlock(cols, b), cols, b);
  let previous = [NaN, NaN];
  let ritz: Eigen = { values: new Float64Array(b), vectors: new Float64Array(b * b) };
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    const projected = multiply(centered, m, cols, basis, b); // m×b
    ritz = symmetricEigen(gram(projected, m, b), b);
    const top = [ritz.values[0]!, ritz.values[Math.min(1, b - 1)]!];
    if (b === cols || top.every((value, i) => Math.abs(value - previous[i]!) <= tolerance * Math.max(top[0]!, 1e-300)))
      break;
    previous = top;
    basis = orthonormalColumns(multiplyTransposed(centered, m, cols, projected, b), cols, b);
  }
  const axis = (which: number): Float64Array => {
    const vector = new Float64Array(cols);
    if (which >= b) return vector; // d = 1: no second axis
    for (let j = 0; j < cols; j++) {
      for (let c = 0; c < b; c++) vector[j]! += basis[j * b + c]! * ritz.vectors[c * b + which]!;
    }
    // Sign convention: the largest component is positive.
    let largest = 0;
    for (let j = 0; j < cols; j++) if (Math.abs(vector[j]!) > Math.abs(vector[largest]!)) largest = j;
    if (vector[largest]! < 0) for (let j = 0; j < cols; j++) vector[j] = -vector[j]!;
    return vector;
  };
  const share = (which: number): number => (which < b && total > 0 ? Math.max(0, ritz.values[which]!) / total : 0);
  return { mean, axes: [axis(0), axis(1)], explained: [share(0), share(1)] };
}

/** A fixed, well-spread start (not random, so plots are reproducible). */
function startingBlock(cols: number, b: number): Float64Array {
  const block = new Float64Array(cols * b);
  for (let j = 0; j < cols; j++)
    for (let c = 0; c < b; c++) block[j * b + c] = Math.sin(1 + 12.9898 * (j + 1) + 78.233 * (c + 1));
  return block;
}

/** Gram-Schmidt (twice, for stability) on the columns of a cols×b matrix; a column that vanishes becomes a coordinate vector. */
function orthonormalColumns(matrix: Float64Array, cols: number, b: number): Float64Array {
  for (let c = 0; c < b; c++) {
    for (let attempt = 0; ; attempt++) {
      for (let pass = 0; pass < 2; pass++) {
        for (let p = 0; p < c; p++) {
          let dot = 0;
          for (let j = 0; j < cols; j++) dot += matrix[j * b + c]! * matrix[j * b + p]!;
          for (let j = 0; j < cols; j++) matrix[j * b + c]! -= dot * matrix[j * b + p]!;
        }
      }
      let norm = 0;
      for (let j = 0; j < cols; j++) norm += matrix[j * b + c]! ** 2;
      norm = Math.sqrt(norm);
      if (norm > 1e-10 || attempt >= cols) {
        for (let j = 0; j < cols; j++) matrix[j * b + c]! /= norm || 1;
        break;
      }
      for (let j = 0; j < cols; j++) matrix[j * b + c] = j === (c + attempt) % cols ? 1 : 0;
    }
  }
  return matrix;
}

/** A (m×cols) times B (cols×b). */
function multiply(a: Float64Array, m: number, cols: number, bMatrix: Float64Array, b: number): Float64Array {
  const out = new Float64Array(m * b);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < cols; j++) {
      const value = a[i * cols + j]!;
      for (let c = 0; c < b; c++) out[i * b + c]! += value * bMatrix[j * b + c]!;
    }
  }
  return out;
}

/** Aᵀ (cols×m) times P (m×b). */
function multiplyTransposed(a: Float64Array, m: number, cols: number, p: Float64Array, b: number): Float64Array {
  const out = new Float64Array(cols * b);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < cols; j++) {
      const value = a[i * cols + j]!;
      for (let c = 0; c < b; c++) out[j * b + c]! += value * p[i * b + c]!;
    }
  }
  return out;
}

/** Pᵀ P (b×b). */
function gram(p: Float64Array, m: number, b: number): Float64Array {
  const out = new Float64Array(b * b);
  for (let i = 0; i < m; i++) {
    for (let r = 0; r < b; r++) for (let c = 0; c < b; c++) out[r * b + c]! += p[i * b + r]! * p[i * b + c]!;
  }
  return out;
}

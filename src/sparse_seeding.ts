/**
 * Initial centers from CSR rows, the same rows the dense seeding picks on the dense equivalent
 * with the same generator state: k-means++ draws the same uniforms in the same order and runs
 * native/kernels/sparse/sparse_plus_plus.hpp (the dense plus_plus's choices, from exact
 * distances of the same bits), and random init is the native draw itself (it reads only the row
 * count and the weights). A chosen row becomes a center densified (k rows only).
 */
import { type CsrMatrix, csrRowSquaredNorms } from './csr';
import { type Plan, call } from './plan';
import type { Random } from './rng';
import { requirePositiveWeights } from './seeding';

/**
 * Greedy k-means++ with `trials` local trials (native sparsePlusPlus, on canonical rows with
 * float64 values: sparse_inputs.ts canonicalFloat64):
 * returns the k chosen rows. The generator goes on after 1 + (k - 1) · trials draws, as after the
 * dense seeding.
 */
export function* sparsePlusPlus(
  csr: CsrMatrix,
  sampleWeight: Float64Array | null,
  k: number,
  trials: number,
  rng: Random,
  threads: number,
): Plan<Int32Array> {
  requirePositiveWeights(sampleWeight, k, 'k-means++');
  const uniforms = new Float64Array(1 + (k - 1) * trials);
  for (let u = 0; u < uniforms.length; u++) uniforms[u] = rng.nextDouble();
  const chosen = new Int32Array(k);
  yield* call('sparsePlusPlus', {
    indptr: csr.indptr,
    indices: csr.indices,
    data: csr.data,
    rowNorms: csrRowSquaredNorms(csr),
    n: csr.rows,
    d: csr.cols,
    sampleWeight,
    threads,
    k,
    trials,
    uniforms,
    chosen,
  });
  return chosen;
}

/**
 * k distinct rows drawn by weight, the native random init's draw (seedCenters 'random' reads
 * nothing of the rows but their count and weights): it runs on a one-column matrix of zeros.
 */
export function* sparseRandomRows(
  n: number,
  sampleWeight: Float64Array | null,
  k: number,
  rng: Random,
  threads: number,
): Plan<Int32Array> {
  requirePositiveWeights(sampleWeight, k, 'random');
  const state = rng.saveState();
  const indices = new Int32Array(k);
  yield* call('seedCenters', {
    x: new Float64Array(n),
    n,
    d: 1,
    sampleWeight,
    threads,
    method: 'random',
    k,
    trials: 1,
    shift: new Float64Array(1),
    state,
    centers: new Float64Array(k),
    indices,
  });
  rng.restoreState(state);
  return indices;
}

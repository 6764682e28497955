/**
 * The contingency table of two labellings as its non-zero cells, with its row and column sums:
 * what the label-agreement scores read. With n samples it holds at most n cells, however many
 * classes and clusters there are (all singletons would need n² dense entries).
 */
import { rowIndices } from '../data_matrix';
import { encodeLabels } from './labels';

export interface SparseContingency {
  /** The number of samples. */
  readonly n: number;
  /** Samples per true class (each > 0), in sorted order of the classes. */
  readonly rowSums: Float64Array;
  /** Samples per predicted cluster (each > 0), in sorted order of the clusters. */
  readonly colSums: Float64Array;
  /** The non-zero cells in row-major order: class index, cluster index and count. */
  readonly rows: Int32Array;
  readonly cols: Int32Array;
  readonly counts: Float64Array;
}

/** Validates and encodes both labellings (of equal length) and counts their non-zero cells. */
export function sparseContingency(labelsTrue: unknown, labelsPred: unknown): SparseContingency {
  const truth = encodeLabels(labelsTrue, 'labelsTrue');
  const predicted = encodeLabels(labelsPred, 'labelsPred', truth.codes.length);
  const n = truth.codes.length;
  const rowSums = histogram(truth.codes, truth.classes.length);
  const colSums = histogram(predicted.codes, predicted.classes.length);
  // Two stable counting sorts (by cluster, then by class) put equal cells next to each other.
  const byCluster = countingSort(predicted.codes, colSums, rowIndices(n));
  const order = countingSort(truth.codes, rowSums, byCluster);

  const rows = new Int32Array(n);
  const cols = new Int32Array(n);
  const counts = new Float64Array(n);
  let cells = 0;
  for (const sample of order) {
    const row = truth.codes[sample]!;
    const col = predicted.codes[sample]!;
    if (cells > 0 && rows[cells - 1] === row && cols[cells - 1] === col) counts[cells - 1]! += 1;
    else {
      rows[cells] = row;
      cols[cells] = col;
      counts[cells++] = 1;
    }
  }
  return {
    n,
    rowSums,
    colSums,
    rows: rows.slice(0, cells),
    cols: cols.slice(0, cells),
    counts: counts.slice(0, cells),
  };
}

function histogram(codes: Int32Array, size: number): Float64Array {
  const counts = new Float64Array(size);
  for (const code of codes) counts[code]! += 1;
  return counts;
}

/** `samples` reordered by `codes[sample]`, keeping their order within a code. */
function countingSort(codes: Int32Array, sizes: Float64Array, samples: Int32Array): Int32Array {
  const next = new Int32Array(sizes.length);
  for (let code = 1; code < sizes.length; code++) next[code] = next[code - 1]! + sizes[code - 1]!;
  const sorted = new Int32Array(samples.length);
  for (const sample of samples) sorted[next[codes[sample]!]!++] = sample;
  return sorted;
}

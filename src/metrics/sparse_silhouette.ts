/**
 * The silhouette of CSR rows, computed from their entries in JavaScript: the native op's
 * contract (silhouette.hpp) on sparse rows, with memory O(n + d) besides X (a d-length scratch
 * row, k sums, per-row norms; and where rows are out of column order or repeat a column, the
 * copy of X's entries that sparse_metric_rows.ts makes), never the n×n distances or an n×d
 * layout.
 *
 * Each scored row in turn is scattered into the dense scratch; its distance to every other
 * scored row comes from that row's entries alone: euclidean and sqeuclidean as
 * ‖x‖² − 2x·y + ‖y‖² clamped at 0 (as scikit-learn computes sparse euclidean distances), cosine
 * as ‖x̂‖² − 2x̂·ŷ + ‖ŷ‖² over 2 on unit rows, manhattan by merging the two rows' sorted
 * entries. Norms and dot products are summed in the same (column) order, so identical rows are
 * exactly 0 apart. Each row's per-cluster sums run over the other rows in row order, as the
 * native op's do; one thread, so the bits never vary.
 */
import { type AwaitStep, awaited } from '../plan';
import type { CsrMatrix } from '../csr';
import { type MetricRows, metricRows } from './sparse_metric_rows';

type PairMetric = 'euclidean' | 'sqeuclidean' | 'cosine' | 'manhattan';

/** Entry visits between two turns of the event loop in an async call (a few milliseconds). */
const sliceWork = 1 << 22;

/** What a silhouette call asks of the sparse rows (the native request's fields). */
export interface SparseSilhouetteRequest {
  /** One cluster index in [0, k) per row of X. */
  labels: Int32Array;
  k: number;
  metric: PairMetric;
  /** The rows scored, ascending, each once; the others take no part. Absent: every row. */
  indices?: Int32Array | undefined;
  /** One silhouette per scored row. */
  out: Float64Array;
}

/**
 * Fills request.out and returns -1; under 'cosine', returns instead the first scored row of
 * length zero, computing nothing. With `async`, it yields to the event loop between slices of
 * rows (where runAsync checks the abort signal); without, it never yields.
 */
export function* sparseSilhouette(
  csr: CsrMatrix,
  request: SparseSilhouetteRequest,
  async: boolean,
): Generator<AwaitStep, number, unknown> {
  const { labels, k, metric, out } = request;
  const rows = metricRows(csr);
  const scored = request.indices ?? identity(rows.rows);
  const m = scored.length;
  const clusters = new Int32Array(m);
  const counts = new Float64Array(k);
  let entries = 0;
  for (let p = 0; p < m; p++) {
    const i = scored[p]!;
    clusters[p] = labels[i]!;
    counts[clusters[p]!]! += 1;
    entries += rows.starts[i + 1]! - rows.starts[i]!;
  }
  const pairs = new PairSums(rows, scored, clusters, metric);
  if (metric === 'cosine') {
    const zero = pairs.measureUnitRows();
    if (zero >= 0) return zero;
  } else if (metric !== 'manhattan') {
    pairs.measureSquares();
  }
  const sums = new Float64Array(k);
  let work = 0;
  for (let p = 0; p < m; p++) {
    // Async: a turn before the first row too, so that an aborted call computes nothing.
    if (async && (p === 0 || work >= sliceWork)) {
      work = 0;
      yield* awaited(nextTurn());
    }
    sums.fill(0);
    pairs.add(p, sums);
    out[p] = silhouetteOf(clusters[p]!, sums, counts);
    work += entries + m;
  }
  return -1;
}

/** s from a row's distance sums per cluster, as the native op (and scikit-learn) computes it. */
function silhouetteOf(own: number, sums: Float64Array, counts: Float64Array): number {
  const ownCount = counts[own]!;
  if (ownCount <= 1) return 0;
  const a = sums[own]! / (ownCount - 1);
  let b = Infinity;
  for (let c = 0; c < counts.length; c++) {
    if (c === own || counts[c] === 0) continue;
    b = Math.min(b, sums[c]! / counts[c]!);
  }
  const larger = Math.max(a, b);
  if (!(b < Infinity) || larger === 0) return 0;
  return (b - a) / larger;
}

/** The distances from one scored row to all the others, added up per cluster. */
class PairSums {
  /** Per scored row: ‖x‖² (euclidean, sqeuclidean) or x̂·x̂ as the dot products compute it (cosine). */
  private readonly squares: Float64Array;
  /** Per scored row, its length (cosine only). */
  private readonly lengths: Float64Array;
  private readonly scratch: Float64Array;

  constructor(
    private readonly rows: MetricRows,
    private readonly scored: Int32Array,
    private readonly clusters: Int32Array,
    private readonly metric: PairMetric,
  ) {
    const m = scored.length;
    this.squares = new Float64Array(metric === 'manhattan' ? 0 : m);
    this.lengths = new Float64Array(metric === 'cosine' ? m : 0);
    this.scratch = new Float64Array(metric === 'manhattan' ? 0 : rows.cols);
  }

  measureSquares(): void {
    const { starts, values } = this.rows;
    for (let p = 0; p < this.scored.length; p++) {
      const i = this.scored[p]!;
      let sum = 0;
      for (let e = starts[i]!; e < starts[i + 1]!; e++) sum += values[e]! * values[e]!;
      this.squares[p] = sum;
    }
  }

  /**
   * Each scored row's length, and its unit row's square as add() computes the dot product of
   * two unit rows ((Σ (x/‖x‖)·x) / ‖x‖), so that a row is exactly 0 from its copies. Returns the
   * first row of length zero (the native op's test: its squares sum to 0), else -1.
   */
  measureUnitRows(): number {
    const { starts, values } = this.rows;
    for (let p = 0; p < this.scored.length; p++) {
      const i = this.scored[p]!;
      let squares = 0;
      for (let e = starts[i]!; e < starts[i + 1]!; e++) squares += values[e]! * values[e]!;
      if (squares === 0) return i;
      const length = Math.sqrt(squares);
      let dot = 0;
      for (let e = starts[i]!; e < starts[i + 1]!; e++) dot += (values[e]! / length) * values[e]!;
      this.lengths[p] = length;
      this.squares[p] = dot / length;
    }
    return -1;
  }

  /** Adds the distance from scored row p to each other scored row q to sums[cluster of q]. */
  add(p: number, sums: Float64Array): void {
    if (this.metric === 'manhattan') this.addManhattan(p, sums);
    else this.addByDotProducts(p, sums);
  }

  private addByDotProducts(p: number, sums: Float64Array): void {
    const { starts, columns, values } = this.rows;
    const { scored, clusters, squares, scratch } = this;
    const cosine = this.metric === 'cosine';
    const root = this.metric === 'euclidean';
    const i = scored[p]!;
    const scale = cosine ? this.lengths[p]! : 1;
    for (let e = starts[i]!; e < starts[i + 1]!; e++) scratch[columns[e]!] = cosine ? values[e]! / scale : values[e]!;
    const own = squares[p]!;
    for (let q = 0; q < scored.length; q++) {
      if (q === p) continue;
      const j = scored[q]!;
      let dot = 0;
      for (let e = starts[j]!; e < starts[j + 1]!; e++) dot += scratch[columns[e]!]! * values[e]!;
      let distance: number;
      if (cosine) {
        distance = Math.max(0, own - 2 * (dot / this.lengths[q]!) + squares[q]!) / 2;
      } else {
        distance = Math.max(0, own - 2 * dot + squares[q]!);
        if (root) distance = Math.sqrt(distance);
      }
      sums[clusters[q]!]! += distance;
    }
    for (let e = starts[i]!; e < starts[i + 1]!; e++) scratch[columns[e]!] = 0;
  }

  private addManhattan(p: number, sums: Float64Array): void {
    const { starts, columns, values } = this.rows;
    const { scored, clusters } = this;
    const i = scored[p]!;
    const iStart = starts[i]!;
    const iEnd = starts[i + 1]!;
    for (let q = 0; q < scored.length; q++) {
      if (q === p) continue;
      const j = scored[q]!;
      const jEnd = starts[j + 1]!;
      let a = iStart;
      let b = starts[j]!;
      let distance = 0;
      while (a < iEnd && b < jEnd) {
        const ca = columns[a]!;
        const cb = columns[b]!;
        if (ca === cb) distance += Math.abs(values[a++]! - values[b++]!);
        else if (ca < cb) distance += Math.abs(values[a++]!);
        else distance += Math.abs(values[b++]!);
      }
      while (a < iEnd) distance += Math.abs(values[a++]!);
      while (b < jEnd) distance += Math.abs(values[b++]!);
      sums[clusters[q]!]! += distance;
    }
  }
}

function identity(n: number): Int32Array {
  const rows = new Int32Array(n);
  for (let i = 0; i < n; i++) rows[i] = i;
  return rows;
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * The contingency table of two labellings: how many samples (or how much weight) fall in each
 * pair of (true class, predicted cluster). Every label-agreement score is a function of it.
 */
import { invalidOption } from '../errors';
import { invalidOptionsObject, rejectUnknownKeys } from '../options';
import { type Labels, encodeLabels } from './labels';

export interface ContingencyTable {
  /** Row-major classes × clusters counts. */
  readonly counts: Float64Array;
  readonly classes: number;
  readonly clusters: number;
}

/** Encodes both labellings (of equal length) and counts their pairs. */
export function contingencyTable(labelsTrue: unknown, labelsPred: unknown): ContingencyTable {
  const truth = encodeLabels(labelsTrue, 'labelsTrue');
  const predicted = encodeLabels(labelsPred, 'labelsPred', truth.codes.length);
  const classes = truth.classes.length;
  const clusters = predicted.classes.length;
  const counts = new Float64Array(classes * clusters);
  truth.codes.forEach((truthCode, i) => {
    counts[truthCode * clusters + predicted.codes[i]!]! += 1;
  });
  return { counts, classes, clusters };
}

/**
 * scikit-learn's `contingency_matrix`: entry [i][j] counts the samples of true class i (in
 * sorted order of the distinct labels) assigned to cluster j. `eps`, when given, is added to
 * every entry, as scikit-learn does to avoid logarithms of zero.
 */
export function contingencyMatrix(labelsTrue: Labels, labelsPred: Labels, options: { eps?: number } = {}): number[][] {
  invalidOptionsObject(options, 'contingencyMatrix options');
  rejectUnknownKeys(options, ['eps'], 'contingencyMatrix');
  const eps = options.eps ?? 0;
  if (typeof eps !== 'number' || !Number.isFinite(eps)) throw invalidOption('eps', 'a finite number', eps);
  const { counts, classes, clusters } = contingencyTable(labelsTrue, labelsPred);
  const rows: number[][] = [];
  for (let i = 0; i < classes; i++)
    rows.push(Array.from(counts.subarray(i * clusters, (i + 1) * clusters), (c) => c + eps));
  return rows;
}

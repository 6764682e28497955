/**
 * Homogeneity (each cluster holds one class), completeness (each class lies in one cluster) and
 * their weighted harmonic mean, the V-measure: the mutual information over each entropy.
 */
import { invalidOption } from '../errors';
import { invalidOptionsObject, rejectUnknownKeys } from '../options';
import { entropy, mutualInformation } from './information';
import type { Labels } from './labels';
import { sparseContingency } from './sparse_contingency';

export interface VMeasureOptions {
  /** The weight of completeness against homogeneity (default 1, a number >= 0). */
  beta?: number;
}

export interface HomogeneityCompletenessVMeasure {
  readonly homogeneity: number;
  readonly completeness: number;
  readonly vMeasure: number;
}

function resolveBeta(options: unknown, fn: string): number {
  invalidOptionsObject(options, `${fn} options`);
  rejectUnknownKeys(options as object, ['beta'], fn);
  const { beta = 1 } = options as VMeasureOptions;
  if (typeof beta !== 'number' || !Number.isFinite(beta) || beta < 0) {
    throw invalidOption('beta', 'a finite number >= 0', beta);
  }
  return beta;
}

function scores(labelsTrue: Labels, labelsPred: Labels, beta: number): HomogeneityCompletenessVMeasure {
  const table = sparseContingency(labelsTrue, labelsPred);
  if (table.n === 0) return { homogeneity: 1, completeness: 1, vMeasure: 1 };
  const entropyTrue = entropy(table.rowSums);
  const entropyPred = entropy(table.colSums);
  const mi = mutualInformation(table);
  // A labelling with one cluster has zero entropy, and is trivially homogeneous (complete).
  const homogeneity = entropyTrue === 0 ? 1 : mi / entropyTrue;
  const completeness = entropyPred === 0 ? 1 : mi / entropyPred;
  const vMeasure =
    homogeneity + completeness === 0
      ? 0
      : ((1 + beta) * homogeneity * completeness) / (beta * homogeneity + completeness);
  return { homogeneity, completeness, vMeasure };
}

/** Homogeneity, completeness and V-measure at once, from one contingency table. */
export function homogeneityCompletenessVMeasure(
  labelsTrue: Labels,
  labelsPred: Labels,
  options: VMeasureOptions = {},
): HomogeneityCompletenessVMeasure {
  return scores(labelsTrue, labelsPred, resolveBeta(options, 'homogeneityCompletenessVMeasure'));
}

/** Homogeneity: 1 when every cluster holds samples of a single class. */
export function homogeneityScore(labelsTrue: Labels, labelsPred: Labels): number {
  return scores(labelsTrue, labelsPred, 1).homogeneity;
}

/** Completeness: 1 when all samples of each class are in a single cluster. */
export function completenessScore(labelsTrue: Labels, labelsPred: Labels): number {
  return scores(labelsTrue, labelsPred, 1).completeness;
}

/** The V-measure: the weighted harmonic mean of homogeneity and completeness (beta > 1 favours completeness). */
export function vMeasureScore(labelsTrue: Labels, labelsPred: Labels, options: VMeasureOptions = {}): number {
  return scores(labelsTrue, labelsPred, resolveBeta(options, 'vMeasureScore')).vMeasure;
}

/**
 * Cluster labels as the metrics take them: any flat array of integers, other numbers, strings
 * or bigints (one kind per array), encoded as indices into the sorted distinct values, as
 * NumPy's `unique(..., return_inverse=True)` does, so that rows and columns of a contingency
 * table come in scikit-learn's order.
 */
import { KMeansError, describe } from '../errors';

/** Labels as the metrics accept them: a number[], string[], bigint[] or any typed array. */
export type Labels = ArrayLike<number> | ArrayLike<string> | ArrayLike<bigint>;

export interface EncodedLabels {
  /** For each sample, the index of its label in `classes`. */
  readonly codes: Int32Array;
  /** The distinct labels, sorted ascending (numbers by value, strings by UTF-16 code units). */
  readonly classes: readonly (number | string | bigint)[];
}

type LabelKind = 'number' | 'string' | 'bigint';

/**
 * Validates and encodes `labels`; `name` is the argument's name in messages. When `length` is
 * given, the labels must have exactly that many entries (one per row of X, or as many as the
 * other labelling).
 */
export function encodeLabels(labels: unknown, name: string, length?: number): EncodedLabels {
  const values = labelValues(labels, name);
  if (length !== undefined && values.length !== length) {
    throw new KMeansError(
      'ERR_KMEANS_INVALID_LABELS',
      `${name} must have ${length} entries, one per sample (got ${values.length})`,
      { details: { argument: name, expected: length, actual: values.length } },
    );
  }
  const kind = labelKind(values, name);
  const classes = [...new Set(Array.from(values as ArrayLike<number | string | bigint>))].sort(
    kind === 'string' ? compareStrings : compareNumbers,
  );
  const indexOf = new Map<unknown, number>(classes.map((value, index) => [value, index]));
  const codes = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) codes[i] = indexOf.get(values[i])!;
  return { codes, classes };
}

function labelValues(labels: unknown, name: string): ArrayLike<unknown> {
  if (Array.isArray(labels)) return labels;
  if (ArrayBuffer.isView(labels) && !(labels instanceof DataView)) return labels as unknown as ArrayLike<unknown>;
  throw new KMeansError(
    'ERR_KMEANS_INVALID_LABELS',
    `${name} must be an array or typed array of labels (got ${describe(labels)})`,
    { details: { argument: name } },
  );
}

/** The one kind of value the labels hold; NaN, ±Infinity, holes and mixed kinds are refused. */
function labelKind(values: ArrayLike<unknown>, name: string): LabelKind {
  let kind: LabelKind | undefined;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    const valueKind = typeof value;
    const valid =
      (valueKind === 'number' && Number.isFinite(value)) || valueKind === 'string' || valueKind === 'bigint';
    if (!valid || (kind !== undefined && valueKind !== kind)) {
      const expected = kind === undefined ? 'a finite number, a string or a bigint' : `a ${kind} like the others`;
      throw new KMeansError('ERR_KMEANS_INVALID_LABELS', `${name}[${i}] must be ${expected} (got ${describe(value)})`, {
        details: { argument: name, row: i },
      });
    }
    kind = valueKind as LabelKind;
  }
  return kind ?? 'number';
}

function compareNumbers(a: unknown, b: unknown): number {
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}

function compareStrings(a: unknown, b: unknown): number {
  return (a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0;
}

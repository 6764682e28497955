/**
 * clickhouseLabelExpression: a fitted model's labels as one SQL expression, so that ClickHouse
 * labels rows where they live (INSERT INTO … SELECT …, <expression> AS cluster FROM …). The
 * squared distance to every center is written out term by term (no lambdas: 18.16 sends the
 * columns a lambda reads to the shards of a Distributed table only when the query also reads
 * them elsewhere), and the label is the first nearest center, as predict's.
 */
import { distanceArray, quoteIdentifier } from './clickhouse_sql';
import { KMeansError, invalidOption } from './errors';
import type { Matrix } from './matrix';
import { invalidOptionsObject, rejectUnknownKeys } from './options';

/** What the expression needs of a model: a fitted KMeans (or MiniBatchKMeans) gives it. */
export interface LabelledModel {
  readonly clusterCenters: Matrix;
  readonly params: { readonly metric: string };
}

export interface LabelExpressionOptions {
  /** The numeric columns the model was fitted on, in its feature order. */
  columns?: string[];
  /** Or one Array(Float32|Float64) column holding the features. */
  vector?: string;
}

/**
 * An Int64 SQL expression: the 0-based index of the center nearest to the row (the first on a
 * tie). It equals predict's label except for rows within rounding of a tie: ClickHouse adds
 * (x − c)² in float64 term by term, predict's kernels compute the same distances in another
 * order (and screen in float32 with exact re-checks), so two distances equal to the last bits
 * may compare the other way. Works for metric 'euclidean' only.
 */
export function clickhouseLabelExpression(model: LabelledModel, options: LabelExpressionOptions): string {
  invalidOptionsObject(options, 'clickhouseLabelExpression options');
  rejectUnknownKeys(options, ['columns', 'vector'], 'clickhouseLabelExpression');
  if (model?.params?.metric !== 'euclidean') {
    throw new KMeansError(
      'ERR_KMEANS_INVALID_OPTION',
      `clickhouseLabelExpression labels with metric 'euclidean', not '${model?.params?.metric}'`,
    );
  }
  const { data, rows: k, cols: d } = model.clusterCenters;
  const { columns, vector } = options;
  if ((columns === undefined) === (vector === undefined)) {
    throw new KMeansError('ERR_KMEANS_INVALID_OPTION', 'clickhouseLabelExpression takes either columns or vector');
  }
  let features: string[];
  if (columns !== undefined) {
    if (!Array.isArray(columns) || columns.length !== d) {
      throw invalidOption('columns', `an array of ${d} column names (one per feature)`, columns);
    }
    features = columns.map((column) => `toFloat64(${quoteIdentifier(column, 'columns')})`);
  } else {
    const quoted = quoteIdentifier(vector, 'vector');
    features = Array.from({ length: d }, (_, f) => `toFloat64(${quoted}[${f + 1}])`);
  }
  const array = distanceArray(features, data, k);
  return `(indexOf(${array}, arrayReduce('min', ${array})) - 1)`;
}

/**
 * The SQL that kmeans-native/clickhouse sends. Identifiers are checked ([A-Za-z_][A-Za-z0-9_]*)
 * and back-quoted; numbers are written by this module from typed arrays, as exact literals
 * (ClickHouse 18.16 has no query parameters); `where` is the caller's trusted SQL.
 *
 * ClickHouse functions used (all present in 18.16 and in current releases): count, countIf,
 * sum, min, avgForEach, varPopForEach, arrayReduce('min', …), indexOf, length, log, toFloat64,
 * assumeNotNull, isNull, cityHash64, array element access (v[i]), DESCRIBE TABLE, KILL QUERY,
 * arrayMap, arraySum and arrayResize (for large k·d, see distanceArray).
 */
import { KMeansError, describe } from './errors';

const identifierPattern = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `name` back-quoted, after checking that it is a plain identifier. */
export function quoteIdentifier(name: unknown, option: string): string {
  if (typeof name !== 'string' || !identifierPattern.test(name)) {
    throw new KMeansError(
      'ERR_KMEANS_INVALID_OPTION',
      `${option} must be an identifier: letters, digits and _, not starting with a digit (got ${describe(name)})`,
    );
  }
  return `\`${name}\``;
}

/** `table` or `database.table`, each part checked and quoted. */
export function quoteTable(table: unknown): string {
  if (typeof table !== 'string') return quoteIdentifier(table, 'table');
  const parts = table.split('.');
  if (parts.length > 2) return quoteIdentifier(table, 'table');
  return parts.map((part) => quoteIdentifier(part, 'table')).join('.');
}

/** A float64 as a literal ClickHouse reads back to the same bits (subnormals as a product). */
export function floatLiteral(value: number): string {
  if (!Number.isFinite(value)) {
    throw new KMeansError('ERR_KMEANS_NON_FINITE', `a center holds ${value}`, { details: { value } });
  }
  if (value !== 0 && Math.abs(value) < 2.2250738585072014e-308) {
    // 18.16 does not parse subnormal literals: the value times 2^600 is normal, and the division exact.
    return `(${floatLiteral(value * 2 ** 600)} / ${floatLiteral(2 ** 600)})`;
  }
  const text = Object.is(value, -0) ? '-0' : String(value);
  return /[.e]/.test(text) ? text : `${text}.0`;
}

/** How a source's rows read as SQL. */
export interface RowsSql {
  /** The quoted table. */
  table: string;
  /** The caller's filter (trusted SQL), if any. */
  where: string | undefined;
  /** The quoted numeric columns (one feature each), or undefined for a vector column. */
  columns: string[] | undefined;
  /** The quoted Array(Float32|Float64) column, or undefined. */
  vector: string | undefined;
  /** The weight expression, or undefined (every row weighs 1). */
  weight: string | undefined;
}

/** A numeric column read as Float64 (a Nullable one after the check that it holds no NULL). */
export function asFloat64(column: string): string {
  return `toFloat64(assumeNotNull(${column}))`;
}

/** The d features of a row, as Float64 expressions. */
export function featureList(rows: RowsSql, d: number): string[] {
  if (rows.columns) return rows.columns.map(asFloat64);
  return Array.from({ length: d }, (_, f) => `toFloat64(${rows.vector!}[${f + 1}])`);
}

/** The row's point as an array expression (the vector column itself, when it is one). */
export function pointOf(rows: RowsSql): string {
  return rows.columns ? `[${rows.columns.map(asFloat64).join(', ')}]` : rows.vector!;
}

/** `FROM table [WHERE (where) [AND (condition)]]`. */
export function fromClause({ table, where }: RowsSql, condition?: string): string {
  const conditions = [where, condition].filter((part) => part !== undefined).map((part) => `(${part})`);
  return `FROM ${table}${conditions.length ? ` WHERE ${conditions.join(' AND ')}` : ''}`;
}

/** The row's values as cityHash64's arguments. */
function hashedRow(rows: RowsSql): string {
  return rows.columns ? rows.columns.map(asFloat64).join(', ') : rows.vector!;
}

/** A uniform in (0, 1) hashed from `key` and the row's values. */
function uniform(rows: RowsSql, key: number): string {
  return `((cityHash64(${Math.trunc(key)}, ${hashedRow(rows)}) + 0.5) / 18446744073709551616.0)`;
}

/**
 * Up to this many center terms (k·d), the squared distances are written out term by term, which
 * 18.16 evaluates several times faster than lambdas; beyond, its query analysis of so large an
 * expression grows slower than the pass itself, and a lambda over an array of the centers keeps
 * the query small.
 */
export const explicitTermsLimit = 512;

/**
 * The squared distances from the row (`features`) to the k centers (k×d, row-major), as an
 * array expression: each one (x₀ − c₀)² + (x₁ − c₁)² + …, in float64. Every column is read
 * outside the lambdas (18.16 fails to plan a Distributed query whose column only a lambda reads).
 */
export function distanceArray(features: string[], centers: ArrayLike<number>, k: number): string {
  const d = features.length;
  const rows: string[][] = [];
  for (let j = 0; j < k; j++) {
    rows.push(Array.from({ length: d }, (_, f) => floatLiteral(centers[j * d + f]!)));
  }
  if (k * d > explicitTermsLimit) {
    const point = `[${features.join(', ')}]`;
    const literal = `[${rows.map((row) => `[${row.join(', ')}]`).join(', ')}]`;
    const distance = 'arraySum(arrayMap((a, b) -> (a - b) * (a - b), c, p))';
    return `arrayMap((c, p) -> ${distance}, ${literal}, arrayResize([${point}], ${k}, ${point}))`;
  }
  const distances = rows.map((row) => {
    const terms = features.map((feature, f) => `(${feature} - ${row[f]}) * (${feature} - ${row[f]})`);
    return `(${terms.join(' + ')})`;
  });
  return `[${distances.join(', ')}]`;
}

/** Each row's nearest center (the first on a tie): kmeans_label, and kmeans_dmin its squared distance. */
function nearestLabel(features: string[], centers: Float64Array, k: number): string {
  const distances = distanceArray(features, centers, k);
  return `indexOf(${distances} AS kmeans_dist, arrayReduce('min', kmeans_dist) AS kmeans_dmin) - 1 AS kmeans_label`;
}

/**
 * One assignment pass: per cluster (label), rows, weight, per-feature weighted sums, inertia
 * and the fingerprint (the sum of the rows' hashes, modulo 2^64).
 */
export function assignPassSql(rows: RowsSql, centers: Float64Array, k: number): string {
  const features = featureList(rows, centers.length / k);
  const weight = rows.weight ?? '1';
  const weighted = (value: string) => (rows.weight === undefined ? value : `${value} * ${rows.weight}`);
  const sums = `[${features.map((feature) => `sum(${weighted(feature)})`).join(', ')}]`;
  return (
    `SELECT ${nearestLabel(features, centers, k)}, count(), sum(${weight}), ${sums}, ` +
    `sum(kmeans_dmin * ${weight}), sum(cityHash64(${hashedRow(rows)})) ${fromClause(rows)} ` +
    `GROUP BY kmeans_label ORDER BY kmeans_label`
  );
}

/** The `count` rows farthest from their nearest center: point, weight, label, distance. */
export function farthestRowsSql(rows: RowsSql, centers: Float64Array, k: number, count: number): string {
  const features = featureList(rows, centers.length / k);
  return (
    `SELECT [${features.join(', ')}], ${rows.weight ?? '1'}, ${nearestLabel(features, centers, k)}, ` +
    `kmeans_dmin ${fromClause(rows)} ORDER BY kmeans_dmin DESC LIMIT ${Math.trunc(count)}`
  );
}

/** k-means||'s first candidate: the row of largest log(u)/w (Efraimidis & Spirakis). */
export function weightedDrawSql(rows: RowsSql, key: number): string {
  const order = rows.weight === undefined ? uniform(rows, key) : `log(${uniform(rows, key)}) / ${rows.weight}`;
  return `SELECT ${pointOf(rows)} ${fromClause(rows)} ORDER BY ${order} DESC LIMIT 1`;
}

/** A k-means|| round: the rows with u < oversampling·w·d²/cost (d² to the nearest of m candidates). */
export function sampleRowsSql(
  rows: RowsSql,
  candidates: Float64Array,
  m: number,
  round: { key: number; oversampling: number; cost: number },
): string {
  const features = featureList(rows, candidates.length / m);
  const nearest = `arrayReduce('min', ${distanceArray(features, candidates, m)})`;
  const weighted = rows.weight === undefined ? nearest : `${rows.weight} * ${nearest}`;
  const condition =
    `${uniform(rows, round.key)} < ${floatLiteral(round.oversampling)} * ${weighted} / ` + floatLiteral(round.cost);
  // Ordered by the uniform: the shards' rows arrive in any order, the candidates must not.
  return `SELECT [${features.join(', ')}] ${fromClause(rows, condition)} ORDER BY ${uniform(rows, round.key)}`;
}

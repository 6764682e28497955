/**
 * The SQL that kmeans-native/clickhouse sends. Identifiers are checked ([A-Za-z_][A-Za-z0-9_]*)
 * and back-quoted; numbers are written by this module from typed arrays, as exact literals
 * (ClickHouse 18.16 has no query parameters); `where` is the caller's trusted SQL.
 *
 * ClickHouse functions used (all present in 18.16 and in current releases): count, countIf,
 * sum, min, max, avg, varPop, the -ForEach combinator (sumForEach, avgForEach, varPopForEach),
 * arrayMap, arraySum, arrayReduce('min', …), indexOf, length, toFloat64, assumeNotNull, isNull,
 * cityHash64, DESCRIBE TABLE and KILL QUERY.
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

/** The centers (k×d, row-major) as an Array(Array(Float64)) literal. */
export function centersLiteral(centers: Float64Array, k: number): string {
  const d = centers.length / k;
  const rows: string[] = [];
  for (let j = 0; j < k; j++) {
    const row: string[] = [];
    for (let f = 0; f < d; f++) row.push(floatLiteral(centers[j * d + f]!));
    rows.push(`[${row.join(', ')}]`);
  }
  return `[${rows.join(', ')}]`;
}

/** How a source's rows read as SQL: the point as an array, its features, its weight. */
export interface RowsSql {
  /** The quoted table. */
  table: string;
  /** The caller's filter (trusted SQL), if any. */
  where: string | undefined;
  /** An Array(Float64|Float32) expression: the row's point. */
  point: string;
  /** One expression per feature, or undefined for a vector column (then `point` is the column). */
  features: string[] | undefined;
  /** The weight expression, or undefined (every row weighs 1). */
  weight: string | undefined;
}

/** `FROM table [WHERE (where) [AND (condition)]]`. */
export function fromClause({ table, where }: RowsSql, condition?: string): string {
  const conditions = [where, condition].filter((part) => part !== undefined).map((part) => `(${part})`);
  return `FROM ${table}${conditions.length ? ` WHERE ${conditions.join(' AND ')}` : ''}`;
}

/** The row's hashed values (features, or the vector), as cityHash64's arguments. */
function hashedRow(rows: RowsSql): string {
  return rows.features ? rows.features.join(', ') : rows.point;
}

/** A uniform in (0, 1) hashed from `key` and the row's values. */
function uniform(rows: RowsSql, key: number): string {
  return `((cityHash64(${Math.trunc(key)}, ${hashedRow(rows)}) + 0.5) / 18446744073709551616.0)`;
}

/** Squared distances to every center, as an array named kmeans_dist. */
function distances(point: string, centers: string): string {
  return `arrayMap(c -> arraySum(arrayMap((a, b) -> (a - b) * (a - b), c, ${point})), ${centers}) AS kmeans_dist`;
}

/** Each row's nearest center, the first on a tie: its label and squared distance (kmeans_dmin). */
function nearestLabel(point: string, centers: string): string {
  return `indexOf(${distances(point, centers)}, arrayReduce('min', kmeans_dist) AS kmeans_dmin) - 1 AS kmeans_label`;
}

/** The weighted per-feature sums of a cluster's rows. */
function featureSums({ point, features, weight }: RowsSql): string {
  const weighted = (value: string) => (weight === undefined ? value : `${value} * ${weight}`);
  if (features) return `[${features.map((feature) => `sum(${weighted(feature)})`).join(', ')}]`;
  return weight === undefined ? `sumForEach(${point})` : `sumForEach(arrayMap(a -> a * ${weight}, ${point}))`;
}

/**
 * One assignment pass: per cluster (label), rows, weight, per-feature sums, inertia and the
 * fingerprint (the sum of the rows' hashes, modulo 2^64). The features appear outside the
 * lambdas too, which 18.16 needs to send them to the shards of a Distributed table.
 */
export function assignPassSql(rows: RowsSql, centers: string): string {
  const weight = rows.weight ?? '1';
  return (
    `SELECT kmeans_label, count(), sum(${weight}), ${featureSums(rows)}, ` +
    `sum(kmeans_dmin * ${weight}), sum(cityHash64(${hashedRow(rows)})) ${fromClause(rows)} ` +
    `GROUP BY ${nearestLabel(rows.point, centers)} ORDER BY kmeans_label`
  );
}

/** The `count` rows farthest from their nearest center: point, weight, label, distance. */
export function farthestRowsSql(rows: RowsSql, centers: string, count: number): string {
  return (
    `SELECT ${rows.point} AS kmeans_point, ${rows.weight ?? '1'}, ${nearestLabel('kmeans_point', centers)}, ` +
    `kmeans_dmin ${fromClause(rows)} ORDER BY kmeans_dmin DESC LIMIT ${Math.trunc(count)}`
  );
}

/** k-means||'s first candidate: the row of largest log(u)/w (Efraimidis & Spirakis). */
export function weightedDrawSql(rows: RowsSql, key: number): string {
  const order = rows.weight === undefined ? uniform(rows, key) : `log(${uniform(rows, key)}) / ${rows.weight}`;
  return `SELECT ${rows.point} ${fromClause(rows)} ORDER BY ${order} DESC LIMIT 1`;
}

/** A k-means|| round: the rows with u < oversampling·w·d²/cost (d² to the nearest candidate). */
export function sampleRowsSql(
  rows: RowsSql,
  candidates: string,
  round: { key: number; oversampling: number; cost: number },
): string {
  const nearest = `arrayReduce('min', ${distances('kmeans_point', candidates)})`;
  const weighted = rows.weight === undefined ? nearest : `${rows.weight} * ${nearest}`;
  const condition =
    `${uniform(rows, round.key)} < ${floatLiteral(round.oversampling)} * ${weighted} / ` + floatLiteral(round.cost);
  // Ordered by the uniform: the shards' rows arrive in any order, the candidates must not.
  return `SELECT ${rows.point} AS kmeans_point ${fromClause(rows, condition)} ORDER BY ${uniform(rows, round.key)}`;
}

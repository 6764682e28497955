/**
 * The error of Stirling's formula for ln k!, from which the hypergeometric probabilities are
 * computed without cancellation (hypergeometric.ts).
 */

/** B(2k) / (2k (2k − 1)) for k = 1..8: Stirling's series for ln Γ(x) − (x − ½) ln x + x − ½ ln 2π. */
const STIRLING = [1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156, -3617 / 122400];

/** Where Stirling's series, cut after eight terms, is exact to well below a unit in the last place. */
export const STIRLING_FROM = 8;

/** Stirling's series: ln Γ(x) − ((x − ½) ln x − x + ½ ln 2π), for x >= STIRLING_FROM. */
export function stirlingSeries(x: number): number {
  const inverse = 1 / x;
  const inverseSquared = inverse * inverse;
  let series = 0;
  for (let k = STIRLING.length - 1; k >= 0; k--) series = series * inverseSquared + STIRLING[k]!;
  return series * inverse;
}

/** ln k! − (k + ½) ln k + k − ½ ln 2π for k = 1..7, where the series is not yet exact. */
const SMALL_STIRLING_ERRORS = [
  NaN,
  0.08106146679532726,
  0.0413406959554093,
  0.02767792568499834,
  0.020790672103765093,
  0.016644691189821193,
  0.013876128823070748,
  0.01189670994589177,
];

/**
 * The error of Stirling's formula for an integer k >= 1: ln k! − ln(√(2πk) (k/e)^k), about
 * 1/(12k). Computed directly, not as a difference of two large logarithms.
 */
export function stirlingError(k: number): number {
  // ln k! = ln Γ(k) + ln k, so the error is exactly Stirling's series at k.
  return k < STIRLING_FROM ? SMALL_STIRLING_ERRORS[k]! : stirlingSeries(k);
}

/**
 * The natural logarithm of the gamma function, ln Γ(x) for x > 0, to within a few units in the
 * last place (JavaScript's Math has no lgamma), and the error of Stirling's formula for ln k!,
 * from which the hypergeometric probabilities are computed without cancellation.
 */

/** 1 − γ (Euler's constant): the derivative of ln Γ at 2. */
const DIGAMMA_AT_TWO = 0.42278433509846713;

/** (−1)^k (ζ(k) − 1) / k for k = 2, 3, ...: the Taylor coefficients of ln Γ(2 + z). */
const TAYLOR_AT_TWO = [
  0.3224670334241132, -0.0673523010531981, 0.020580808427784546, -0.007385551028673986, 0.0028905103307415234,
  -0.001192753911703261, 0.0005096695247430425, -0.00022315475845357939, 9.945751278180853e-5, -4.492623673813314e-5,
  2.050721277567069e-5, -9.439488275268397e-6, 4.374866789907488e-6, -2.039215753801366e-6, 9.55141213040742e-7,
  -4.492469198764566e-7, 2.1207184805554665e-7, -1.0043224823968099e-7, 4.7698101693639804e-8, -2.2711094608943164e-8,
  1.0838659214896955e-8, -5.183475041970047e-9, 2.4836745438024785e-9, -1.1921401405860912e-9, 5.731367241678862e-10,
  -2.7595228851242334e-10, 1.330476437424449e-10,
];

/** B(2k) / (2k (2k − 1)) for k = 1..8: Stirling's series for ln Γ(x) − (x − ½) ln x + x − ½ ln 2π. */
const STIRLING = [1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156, -3617 / 122400];

const HALF_LOG_TWO_PI = 0.9189385332046728;

/** Where Stirling's series, cut after eight terms, is exact to well below a unit in the last place. */
const STIRLING_FROM = 8;

/** ln Γ(x) for x > 0 (+Infinity at 0 and at +Infinity, NaN below 0). */
export function logGamma(x: number): number {
  if (Number.isNaN(x) || x < 0) return NaN;
  if (x === Infinity) return Infinity;
  if (x >= STIRLING_FROM) return stirling(x);
  if (x >= 2.5) {
    // Down to [1.5, 2.5) by Γ(x) = (x − 1) Γ(x − 1); the product is exact for integers.
    let product = 1;
    let y = x;
    while (y >= 2.5) {
      y -= 1;
      product *= y;
    }
    return nearTwo(y - 2) + Math.log(product);
  }
  if (x >= 1.5) return nearTwo(x - 2);
  // Up into [1.5, 2.5) by Γ(x) = Γ(x + 1) / x: one or two steps.
  if (x >= 0.5) return nearTwo(x - 1) - Math.log(x);
  return nearTwo(x) - Math.log(x) - Math.log(x + 1);
}

/** ln Γ(2 + z) for |z| <= 1/2 by its Taylor series, exact at z = 0 (Γ(2) = 1). */
function nearTwo(z: number): number {
  let sum = 0;
  for (let k = TAYLOR_AT_TWO.length - 1; k >= 0; k--) sum = (sum + TAYLOR_AT_TWO[k]!) * z;
  return (sum + DIGAMMA_AT_TWO) * z;
}

/** Stirling's series: ln Γ(x) − ((x − ½) ln x − x + ½ ln 2π), for x >= STIRLING_FROM. */
function stirlingSeries(x: number): number {
  const inverse = 1 / x;
  const inverseSquared = inverse * inverse;
  let series = 0;
  for (let k = STIRLING.length - 1; k >= 0; k--) series = series * inverseSquared + STIRLING[k]!;
  return series * inverse;
}

function stirling(x: number): number {
  // (x − ½)(ln x − 1) rather than (x − ½) ln x − x: no overflow before the result does.
  return (x - 0.5) * (Math.log(x) - 1) + (HALF_LOG_TWO_PI - 0.5) + stirlingSeries(x);
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

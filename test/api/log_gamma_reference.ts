/**
 * ln Γ(x) for x > 0 to within a few units in the last place (JavaScript's Math has no lgamma):
 * the tests' oracle for stirlingError, itself checked against high-precision values.
 */
import { STIRLING_FROM, stirlingSeries } from '../../src/metrics/stirling_error';

const HALF_LOG_TWO_PI = 0.9189385332046728;

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

function stirling(x: number): number {
  // (x − ½)(ln x − 1) rather than (x − ½) ln x − x: no overflow before the result does.
  return (x - 0.5) * (Math.log(x) - 1) + (HALF_LOG_TWO_PI - 0.5) + stirlingSeries(x);
}

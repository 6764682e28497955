/** What the SVG plots share: linear scales with round ticks, and text made safe for SVG. */

export interface Scale {
  at(value: number): number;
  ticks: number[];
}

/** Maps [min, max] of the values (with a margin) onto [from, to]; ticks at 1, 2 or 5 × 10^n. */
export function linearScale(values: number[], from: number, to: number): Scale {
  let min = Infinity;
  let max = -Infinity;
  for (const value of values) {
    min = Math.min(min, value);
    max = Math.max(max, value);
  }
  // A range too narrow for doubles to tell apart (one value, or values equal to 9 digits) is
  // widened, so that the ticks below are distinct numbers.
  const scale = Math.max(Math.abs(min), Math.abs(max));
  if (!(max - min > scale * 1e-9)) {
    const pad = Math.max(1, scale * 1e-3);
    min -= pad;
    max += pad;
  }
  const margin = (max - min) * 0.04;
  min -= margin;
  max += margin;
  const rough = (max - min) / 7;
  const power = 10 ** Math.floor(Math.log10(rough));
  const stepSize = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power;
  const ticks: number[] = [];
  const first = Math.ceil(min / stepSize);
  // By index, not by adding steps: a sum of steps can stop moving at large magnitudes.
  for (let i = 0; i <= 20; i++) {
    const t = (first + i) * stepSize;
    if (t > max) break;
    ticks.push(Math.abs(t) < stepSize * 1e-9 ? 0 : t);
  }
  return { at: (value) => from + ((value - min) / (max - min)) * (to - from), ticks };
}

export function tickText(value: number): string {
  return escape(Number(value.toPrecision(6)).toString());
}

/** Text for SVG: markup characters escaped, characters XML does not allow replaced by U+FFFD. */
export function escape(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex -- control characters are what it matches
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '\ufffd')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
  );
}

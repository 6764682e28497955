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
  if (!(max > min)) {
    min -= 1;
    max += 1;
  }
  const margin = (max - min) * 0.04;
  min -= margin;
  max += margin;
  const rough = (max - min) / 7;
  const power = 10 ** Math.floor(Math.log10(rough));
  const stepSize = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power;
  const ticks: number[] = [];
  for (let t = Math.ceil(min / stepSize) * stepSize; t <= max; t += stepSize)
    ticks.push(Math.abs(t) < stepSize * 1e-9 ? 0 : t);
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

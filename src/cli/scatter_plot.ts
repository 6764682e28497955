/**
 * An SVG scatter plot of a clustering: each point colored by its cluster, the centers marked,
 * a legend. Two features are drawn as they are; more are projected on their first two
 * principal components; a single feature is drawn against the cluster number. A cosine
 * (spherical) clustering is drawn in the space it clusters in: the rows scaled to unit length.
 */
import { principalAxes } from './principal_axes';
import { sampleRows } from './row_sample';
import { type Scale, escape, linearScale, tickText } from './svg_scale';

export interface ScatterInput {
  /** Row-major n×d data and its labels. */
  data: ArrayLike<number>;
  rows: number;
  cols: number;
  labels: Int32Array;
  /** Row-major k×d centers. */
  centers: ArrayLike<number>;
  k: number;
  columnNames: readonly string[] | undefined;
  title: string;
  /** 'cosine': draw the unit rows (and unit centers), whose principal axes then give the projection. */
  metric?: 'euclidean' | 'cosine';
  /**
   * When data and labels are already a sample (of a streamed input): the input's row count and
   * cluster sizes. The sample is drawn whole, and its principal axes stand for the data's.
   */
  sampleOf?: { rows: number; sizes: number[] };
}

/** At most this many points are drawn (a fixed random sample), which keeps the file small. */
export const maxPlottedPoints = 10_000;

const width = 880;
const height = 620;
const plot = { left: 78, top: 72, right: 880 - 200, bottom: 620 - 62 };
const palette = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
];
const maxLegendEntries = 24;

export function clusterColor(cluster: number, k: number): string {
  if (k <= palette.length) return palette[cluster]!;
  return `hsl(${((cluster * 137.508) % 360).toFixed(1)}, 62%, 48%)`;
}

interface Projected {
  point(source: ArrayLike<number>, row: number, label: number): [number, number];
  xLabel: string;
  yLabel: string;
  note: string;
}

function projection(input: ScatterInput): Projected {
  const { cols, columnNames } = input;
  const name = (j: number): string => columnNames?.[j] ?? `feature ${j + 1}`;
  if (cols === 1) {
    return { point: (source, row, label) => [source[row]!, label], xLabel: name(0), yLabel: 'cluster', note: '' };
  }
  if (cols === 2) {
    return {
      point: (source, row) => [source[row * 2]!, source[row * 2 + 1]!],
      xLabel: name(0),
      yLabel: name(1),
      note: '',
    };
  }
  const { mean, axes, explained } = principalAxes(input.data, input.rows, cols);
  const along = (axis: Float64Array, source: ArrayLike<number>, row: number): number => {
    let sum = 0;
    for (let j = 0; j < cols; j++) sum += (source[row * cols + j]! - mean[j]!) * axis[j]!;
    return sum;
  };
  const percent = (share: number): string => `${(100 * share).toFixed(1)}% of the variance`;
  return {
    point: (source, row) => [along(axes[0], source, row), along(axes[1], source, row)],
    xLabel: `principal component 1 (${percent(explained[0])})`,
    yLabel: `principal component 2 (${percent(explained[1])})`,
    note: `${cols} features projected on their first two principal components`,
  };
}

export function scatterSvg(given: ScatterInput): string {
  const input = given.metric === 'cosine' ? onUnitSphere(given) : given;
  const { k, labels, sampleOf } = input;
  const rows = sampleOf?.rows ?? input.rows;
  const project = projection(input);
  const points = Array.from(
    sampleOf ? Array.from({ length: input.rows }, (_, i) => i) : sampleRows(rows, maxPlottedPoints),
    (row) => [...project.point(input.data, row, labels[row]!), labels[row]!] as const,
  );
  const centers = Array.from({ length: k }, (_, c) => project.point(input.centers, c, c));

  const xs = [...points.map((p) => p[0]), ...centers.map((p) => p[0])];
  const ys = [...points.map((p) => p[1]), ...centers.map((p) => p[1])];
  const xScale = linearScale(xs, plot.left, plot.right);
  const yScale = linearScale(ys, plot.bottom, plot.top);
  if (input.cols === 1) yScale.ticks = yScale.ticks.filter(Number.isInteger); // cluster numbers

  let sizes = sampleOf?.sizes;
  if (sizes === undefined) {
    sizes = new Array<number>(k).fill(0);
    for (let row = 0; row < rows; row++) sizes[labels[row]!]!++;
  }
  const radius = points.length > 3000 ? 1.8 : points.length > 500 ? 2.6 : 3.6;
  const shown =
    points.length < rows
      ? `${points.length.toLocaleString('en-US')} of ${rows.toLocaleString('en-US')} points shown`
      : `${rows.toLocaleString('en-US')} points`;

  const unitNote = input.metric === 'cosine' ? 'rows scaled to unit length' : '';
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${plot.left}" y="30" font-size="17" font-weight="bold">${escape(input.title)}</text>`,
    `<text x="${plot.left}" y="50" fill="#555">${escape([unitNote, project.note, shown].filter(Boolean).join('; '))}</text>`,
  );
  out.push(...axes(xScale, yScale, project.xLabel, project.yLabel));
  out.push(`<g fill-opacity="0.72">`);
  for (const [x, y, label] of points) {
    out.push(
      `<circle cx="${xScale.at(x).toFixed(1)}" cy="${yScale.at(y).toFixed(1)}" r="${radius}" fill="${clusterColor(label, k)}"/>`,
    );
  }
  out.push(`</g>`, `<g stroke="#000" stroke-width="1.6">`);
  centers.forEach(([x, y], c) => out.push(centerMarker(xScale.at(x), yScale.at(y), clusterColor(c, k))));
  out.push(`</g>`);
  out.push(...legend(sizes, k));
  out.push(`</svg>`);
  return out.join('\n') + '\n';
}

/** The rows and centers scaled to unit length (a row of length zero, which a cosine fit refuses, stays). */
function onUnitSphere(input: ScatterInput): ScatterInput {
  const unit = (source: ArrayLike<number>, rows: number): Float64Array => {
    const { cols } = input;
    const out = Float64Array.from(source);
    for (let i = 0; i < rows; i++) {
      // Divided by the largest magnitude first, so that huge or tiny values neither overflow nor underflow.
      let largest = 0;
      for (let j = 0; j < cols; j++) largest = Math.max(largest, Math.abs(out[i * cols + j]!));
      if (largest === 0) continue;
      let squares = 0;
      for (let j = 0; j < cols; j++) squares += (out[i * cols + j]! / largest) ** 2;
      const length = Math.sqrt(squares);
      for (let j = 0; j < cols; j++) out[i * cols + j] = out[i * cols + j]! / largest / length;
    }
    return out;
  };
  return { ...input, data: unit(input.data, input.rows), centers: unit(input.centers, input.k) };
}

function centerMarker(x: number, y: number, color: string): string {
  const r = 7;
  const path = `M${(x - r).toFixed(1)},${y.toFixed(1)} L${x.toFixed(1)},${(y - r).toFixed(1)} L${(x + r).toFixed(1)},${y.toFixed(1)} L${x.toFixed(1)},${(y + r).toFixed(1)} Z`;
  return `<path d="${path}" fill="${color}"/>`;
}

function legend(sizes: number[], k: number): string[] {
  const x = plot.right + 28;
  const out = [`<text x="${x}" y="${plot.top + 4}" font-weight="bold">cluster (size)</text>`];
  const listed = k > maxLegendEntries ? maxLegendEntries - 1 : k;
  let y = plot.top + 26;
  for (let c = 0; c < listed; c++, y += 19) {
    out.push(
      `<circle cx="${x + 6}" cy="${y - 4}" r="5" fill="${clusterColor(c, k)}"/>`,
      `<text x="${x + 18}" y="${y}">${c} (${sizes[c]!.toLocaleString('en-US')})</text>`,
    );
  }
  if (listed < k) {
    out.push(`<text x="${x + 18}" y="${y}">… ${k - listed} more</text>`);
    y += 19;
  }
  y += 10;
  out.push(
    `<g stroke="#000" stroke-width="1.6">${centerMarker(x + 6, y - 4, '#ffffff')}</g>`,
    `<text x="${x + 18}" y="${y}">center</text>`,
  );
  return out;
}

function axes(xScale: Scale, yScale: Scale, xLabel: string, yLabel: string): string[] {
  const out = [`<g stroke="#e4e4e4">`];
  for (const t of xScale.ticks)
    out.push(
      `<line x1="${xScale.at(t).toFixed(1)}" y1="${plot.top}" x2="${xScale.at(t).toFixed(1)}" y2="${plot.bottom}"/>`,
    );
  for (const t of yScale.ticks)
    out.push(
      `<line x1="${plot.left}" y1="${yScale.at(t).toFixed(1)}" x2="${plot.right}" y2="${yScale.at(t).toFixed(1)}"/>`,
    );
  out.push(`</g>`);
  out.push(
    `<rect x="${plot.left}" y="${plot.top}" width="${plot.right - plot.left}" height="${plot.bottom - plot.top}" fill="none" stroke="#888"/>`,
  );
  out.push(`<g fill="#444" font-size="11">`);
  for (const t of xScale.ticks)
    out.push(`<text x="${xScale.at(t).toFixed(1)}" y="${plot.bottom + 16}" text-anchor="middle">${tickText(t)}</text>`);
  for (const t of yScale.ticks)
    out.push(`<text x="${plot.left - 6}" y="${(yScale.at(t) + 4).toFixed(1)}" text-anchor="end">${tickText(t)}</text>`);
  out.push(`</g>`);
  const middleX = (plot.left + plot.right) / 2;
  const middleY = (plot.top + plot.bottom) / 2;
  out.push(
    `<text x="${middleX}" y="${plot.bottom + 40}" text-anchor="middle" font-size="13">${escape(xLabel)}</text>`,
    `<text transform="translate(${plot.left - 52},${middleY}) rotate(-90)" text-anchor="middle" font-size="13">${escape(yLabel)}</text>`,
  );
  return out;
}

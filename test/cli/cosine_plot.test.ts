// The plot of a cosine (spherical k-means) clustering, checked geometrically from the SVG: the
// points are an affine image of the rows scaled to unit length (not of the rows), the plane they
// are projected on is spanned by the unit rows' first two principal axes, and each center marker
// is at the image of its cluster's unit center, the mean of the cluster's unit rows scaled back
// to unit length (what the library's cosine centers are). That point lies along the mean of the
// cluster's plotted points, not on it: the marker is tested against M·(μ/‖μ‖) + b, where M, b is
// the affine map fitted to the points and μ the mean of the cluster's unit rows.
import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { symmetricEigen } from '../../src/cli/symmetric_eigen';
import { cliWorkspace } from './cli_helpers';

const { out, cli, readLabels, writeCsv } = cliWorkspace();

/** Three bundles of directions in 3-D, each row of a random length from 0.5 to 5. */
function directions(): number[][] {
  let state = 12345;
  const uniform = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32;
  };
  const axes = [
    [1, 0.2, 0.1],
    [0.1, 1, 0.3],
    [0.2, 0.1, 1],
  ];
  return Array.from({ length: 150 }, (_, i) => {
    const length = 0.5 + 4.5 * uniform();
    return axes[i % 3]!.map((value) => (value + 0.5 * (uniform() - 0.5)) * length);
  });
}

function unit(row: number[]): number[] {
  const length = Math.hypot(...row);
  return row.map((value) => value / length);
}

interface Svg {
  points: [number, number][];
  centers: [number, number][];
  title: string;
  note: string;
}

function parseSvg(text: string): Svg {
  const body = text.slice(text.indexOf('<g fill-opacity="0.72">'), text.indexOf('cluster (size)'));
  const points = [...body.matchAll(/<circle cx="([-\d.]+)" cy="([-\d.]+)"/g)].map(
    (m) => [Number(m[1]), Number(m[2])] as [number, number],
  );
  // A diamond "M x−r,y L x,y−r …": its center is the second point's x and the first point's y.
  const centers = [...body.matchAll(/<path d="M[-\d.]+,([-\d.]+) L([-\d.]+),/g)].map(
    (m) => [Number(m[2]), Number(m[1])] as [number, number],
  );
  const texts = [...text.matchAll(/<text x="78" y="(?:30|50)"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);
  return { points, centers, title: texts[0]!, note: texts[1]! };
}

/** Least squares of targets ≈ rows·w + b (one pixel axis): w and b, and the largest residual. */
function affineFit(rows: number[][], targets: number[]) {
  const d = rows[0]!.length + 1;
  const normal = Array.from({ length: d }, () => new Array<number>(d + 1).fill(0));
  rows.forEach((row, i) => {
    const x = [...row, 1];
    for (let r = 0; r < d; r++) {
      for (let c = 0; c < d; c++) normal[r]![c]! += x[r]! * x[c]!;
      normal[r]![d]! += x[r]! * targets[i]!;
    }
  });
  for (let p = 0; p < d; p++) {
    for (let r = p + 1; r < d; r++) {
      const f = normal[r]![p]! / normal[p]![p]!;
      for (let c = p; c <= d; c++) normal[r]![c]! -= f * normal[p]![c]!;
    }
  }
  const w = new Array<number>(d).fill(0);
  for (let r = d - 1; r >= 0; r--) {
    let sum = normal[r]![d]!;
    for (let c = r + 1; c < d; c++) sum -= normal[r]![c]! * w[c]!;
    w[r] = sum / normal[r]![r]!;
  }
  const at = (row: number[]) => row.reduce((sum, value, j) => sum + value * w[j]!, w[d - 1]!);
  const residual = Math.max(...rows.map((row, i) => Math.abs(at(row) - targets[i]!)));
  return { weights: w.slice(0, d - 1), at, residual };
}

function checkGeometry(svg: Svg, rows: number[][], labels: number[], k: number): void {
  const units = rows.map(unit);
  expect(svg.points).toHaveLength(rows.length);
  const [fx, fy] = [0, 1].map((axis) =>
    affineFit(
      units,
      svg.points.map((p) => p[axis]!),
    ),
  );
  // Coordinates are written to 0.1 px: an exact affine image misses by at most 0.05 px.
  expect(fx!.residual).toBeLessThan(0.06);
  expect(fy!.residual).toBeLessThan(0.06);
  // The raw rows (of varied lengths) are not what is drawn.
  expect(
    affineFit(
      rows,
      svg.points.map((p) => p[0]),
    ).residual,
  ).toBeGreaterThan(5);

  // The direction the projection drops is the unit rows' axis of least variance.
  const mean = [0, 1, 2].map((j) => units.reduce((sum, u) => sum + u[j]!, 0) / units.length);
  const covariance = new Float64Array(9);
  for (const u of units) {
    for (let r = 0; r < 3; r++)
      for (let c = 0; c < 3; c++) covariance[r * 3 + c]! += (u[r]! - mean[r]!) * (u[c]! - mean[c]!);
  }
  const eigen = symmetricEigen(covariance, 3);
  const smallest = [0, 1, 2].map((j) => eigen.vectors[j * 3 + 2]!);
  const [a, b] = [fx!.weights, fy!.weights];
  const dropped = unit([a[1]! * b[2]! - a[2]! * b[1]!, a[2]! * b[0]! - a[0]! * b[2]!, a[0]! * b[1]! - a[1]! * b[0]!]);
  expect(Math.abs(dropped.reduce((sum, value, j) => sum + value * smallest[j]!, 0))).toBeGreaterThan(1 - 1e-6);

  expect(svg.centers).toHaveLength(k);
  for (let c = 0; c < k; c++) {
    const members = units.filter((_, i) => labels[i] === c);
    const mu = [0, 1, 2].map((j) => members.reduce((sum, u) => sum + u[j]!, 0) / members.length);
    const center = unit(mu);
    expect(Math.abs(svg.centers[c]![0] - fx!.at(center))).toBeLessThan(0.1);
    expect(Math.abs(svg.centers[c]![1] - fy!.at(center))).toBeLessThan(0.1);
  }
}

describe('--metric cosine --plot', () => {
  const rows = directions();
  const data = writeCsv('directions.csv', rows);

  it('fit draws the unit rows on their principal axes, each center at its cluster unit mean', () => {
    const run = cli([
      'fit',
      data,
      '-k',
      '3',
      '--seed',
      '0',
      '--metric',
      'cosine',
      '--plot',
      'fit.svg',
      '--labels',
      'fit.csv',
      '--out',
      'cos.json',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const svg = parseSvg(fs.readFileSync(out('fit.svg'), 'utf8'));
    expect(svg.title).toBe('directions.csv: spherical k-means, k = 3');
    expect(svg.note).toContain(
      'rows scaled to unit length; 3 features projected on their first two principal components',
    );
    checkGeometry(svg, rows, readLabels(out('fit.csv')), 3);
  });

  it('predict and fit --stream draw the same space', () => {
    const predicted = cli(['predict', 'cos.json', data, '--plot', 'predict.svg', '--labels', 'predict.csv']);
    expect(predicted.code).toBe(0);
    const svg = parseSvg(fs.readFileSync(out('predict.svg'), 'utf8'));
    expect(svg.title).toBe('directions.csv: clusters of cos.json (spherical k-means)');
    checkGeometry(svg, rows, readLabels(out('predict.csv')), 3);

    const stream = cli([
      'fit',
      data,
      '-k',
      '3',
      '--seed',
      '0',
      '--metric',
      'cosine',
      '--stream',
      '--plot',
      'stream.svg',
      '--labels',
      'stream.csv',
    ]);
    expect(stream.code).toBe(0);
    const streamed = parseSvg(fs.readFileSync(out('stream.svg'), 'utf8'));
    expect(streamed.title).toBe('directions.csv: spherical k-means, k = 3');
    checkGeometry(streamed, rows, readLabels(out('stream.csv')), 3);
  });

  it('a euclidean plot keeps its title and draws the rows as they are', () => {
    expect(cli(['fit', data, '-k', '3', '--seed', '0', '--plot', 'plain.svg']).code).toBe(0);
    const svg = parseSvg(fs.readFileSync(out('plain.svg'), 'utf8'));
    expect(svg.title).toBe('directions.csv: k-means, k = 3');
    expect(svg.note).not.toContain('unit length');
  });
});

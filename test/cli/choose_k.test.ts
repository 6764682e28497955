// kmeans-native choose-k: the table, --json, --plot with the recommended k marked, and its
// mistakes (exit code 2, one line).
import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { linearScale } from '../../src/cli/svg_scale';
import { chooseK } from '../../src/index';
import { Random } from '../../src/rng';
import { cliWorkspace, iris } from './cli_helpers';

const { out, cli, writeCsv } = cliWorkspace();

/** 4 blobs around 10 × the unit vectors of 4 dimensions: every criterion recommends 4. */
function fourBlobs(): number[][] {
  const random = new Random(5);
  return Array.from({ length: 200 }, (_, i) =>
    Array.from({ length: 4 }, (_, j) => Number(((j === i % 4 ? 10 : 0) + random.nextNormal()).toFixed(6))),
  );
}

describe('kmeans-native choose-k', () => {
  const rows = fourBlobs();
  const file = writeCsv('blobs.csv', rows);

  it('prints a row per k and the k each criterion recommends', () => {
    const { code, stdout, stderr } = cli(['choose-k', file, '--k', '2..7', '--seed', '3']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toBe(`${file}: 200 rows × 4 columns`);
    expect(lines[1]).toBe('k-means for k = 2..7, seed 3:');
    expect(lines[2]).toMatch(/^\s+k\s+inertia\s+silhouette\s+Calinski-Harabasz\s+Davies-Bouldin$/);
    expect(lines.slice(3, 9).map((line) => Number(line.trim().split(/\s+/)[0]))).toEqual([2, 3, 4, 5, 6, 7]);
    expect(lines[9]).toBe('recommended k: elbow 4, silhouette 4, Calinski–Harabasz 4, Davies–Bouldin 4');
  });

  it('--json gives the library’s table for the same options', () => {
    const { code, stdout } = cli(['choose-k', file, '--k', '2..6', '--seed', '3', '--gap', '--json']);
    expect(code).toBe(0);
    const json = JSON.parse(stdout);
    const expected = chooseK(rows, {
      kMin: 2,
      kMax: 6,
      seed: 3,
      criteria: ['silhouette', 'calinskiHarabasz', 'daviesBouldin', 'elbow', 'gap'],
    });
    expect(json.data).toEqual({ name: file, rows: 200, cols: 4 });
    expect(json.rows).toEqual(JSON.parse(JSON.stringify(expected.rows)));
    expect(json.recommended).toEqual({ silhouette: 4, calinskiHarabasz: 4, daviesBouldin: 4, elbow: 4, gap: 4 });
  });

  it('--plot draws a panel per criterion with the recommended k marked', () => {
    const plot = out('k.svg');
    const { code, stdout } = cli(['choose-k', file, '-k', '2..8', '--seed', '1', '--gap', '--plot', plot]);
    expect(code).toBe(0);
    expect(stdout).toContain(`wrote ${plot}`);
    const svg = fs.readFileSync(plot, 'utf8');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    for (const title of ['inertia', 'silhouette', 'Calinski–Harabasz', 'Davies–Bouldin', 'gap statistic']) {
      expect(svg).toContain(`font-weight="bold">${title}</text>`);
    }
    // Each panel: a dashed line and an enlarged point at k = 4, and the label.
    expect(svg.match(/<line class="recommended"/g)).toHaveLength(5);
    expect(svg.match(/<circle [^>]*class="recommended"/g)).toHaveLength(5);
    expect(svg.match(/>k = 4</g)).toHaveLength(5);
    expect(svg).toContain('recommended k: elbow 4, silhouette 4, Calinski–Harabasz 4, Davies–Bouldin 4, gap 4');
  });

  it('clusters the bundled iris', () => {
    const { code, stdout } = cli(['choose-k', iris, '--k', '2..6', '--columns', '1-4', '--seed', '0']);
    expect(code).toBe(0);
    expect(stdout).toContain('150 rows × 4 columns (sepal_length, sepal_width, petal_length, petal_width)');
    expect(stdout).toMatch(/recommended k: elbow \d, silhouette 2, Calinski–Harabasz 3, Davies–Bouldin 2\n/);
  });

  it.each([
    ['no range', ['choose-k', 'blobs.csv'], /^kmeans-native: choose-k needs the range of k: --k 2\.\.12\n$/],
    [
      'a bad range',
      ['choose-k', 'blobs.csv', '--k', '5..3'],
      /--k must be a range A\.\.B with 1 <= A <= B, such as 2\.\.12 \(got "5\.\.3"\)/,
    ],
    ['a number', ['choose-k', 'blobs.csv', '--k', '4'], /--k must be a range A\.\.B/],
    ['both spellings', ['choose-k', 'blobs.csv', '--k', '2..4', '-k', '2..5'], /give --k once/],
    ['--out', ['choose-k', 'blobs.csv', '--k', '2..4', '--out', 'm.json'], /--out does not apply to choose-k/],
    [
      'k above the rows',
      ['choose-k', 'blobs.csv', '--k', '2..300'],
      /blobs.csv: it has 200 rows, fewer than the 300 clusters asked for \(-k\)/,
    ],
    [
      '--gap with cosine',
      ['choose-k', 'blobs.csv', '--k', '2..4', '--metric', 'cosine', '--gap'],
      /without "gap" for metric "cosine"/,
    ],
    [
      '--json with --plot -',
      ['choose-k', 'blobs.csv', '--k', '2..4', '--json', '--plot', '-'],
      /--json and --plot - both write to standard output/,
    ],
    ['--k given to fit', ['fit', 'blobs.csv', '--k', '3'], /--k is choose-k's range: fit takes -k N or --clusters N/],
    [
      'fit --json with --plot -',
      ['fit', 'blobs.csv', '-k', '3', '--json', '--plot', '-'],
      /--json and --plot - both write to standard output/,
    ],
    ['--gap given to predict', ['predict', 'm.json', 'blobs.csv', '--gap'], /--gap does not apply to predict/],
  ])('refuses %s with exit code 2 and one line', (_name, args, message) => {
    const { code, stdout, stderr } = cli(args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe("the plots' scales", () => {
  it.each([[[6e15]], [[1e300, 1e300]], [[0.1, 0.1 + 1e-17]], [[-5e20, -5e20]], [[3]]])(
    'give distinct ticks in order for values no wider than rounding: %j',
    (values) => {
      const { ticks, at } = linearScale(values, 0, 100);
      expect(ticks.length).toBeGreaterThan(1);
      expect(ticks.length).toBeLessThanOrEqual(21);
      for (let i = 1; i < ticks.length; i++) expect(ticks[i]!).toBeGreaterThan(ticks[i - 1]!);
      expect(Number.isFinite(at(values[0]!))).toBe(true);
    },
  );

  it('end to end: choose-k --plot of an inertia of 6e15 draws its curves', () => {
    const file = writeCsv('far.csv', [[0], [110000000]]);
    const { code } = cli(['choose-k', file, '--k', '1..1', '--plot', out('far.svg'), '-q']);
    expect(code).toBe(0);
    expect(fs.readFileSync(out('far.svg'), 'utf8')).toContain('font-weight="bold">inertia</text>');
  });
});
